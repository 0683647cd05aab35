// Checks of image files without trusting the writer: the PNG header read by hand (signature, then the IHDR chunk's
// width and height, big-endian), and the pixels decoded by SkiaSharp for their variance (a blank image has none).
using System.Buffers.Binary;
using SkiaSharp;

namespace Control.Cli.Tests;

internal static class Images
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Width and height from the PNG header; fails unless the file starts with the PNG signature and an IHDR chunk.</summary>
    public static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.True(png.Length > 24, $"a PNG has at least 24 bytes, got {png.Length}");
        Assert.Equal(PngSignature, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    /// <summary>Variance of the pixels' luminance (0-255 scale) over the whole image.</summary>
    public static double LuminanceVariance(byte[] png)
    {
        using SKBitmap bitmap = SKBitmap.Decode(png) ?? throw new InvalidDataException("SkiaSharp could not decode the PNG");
        double sum = 0, squares = 0;
        int n = 0;
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                SKColor c = bitmap.GetPixel(x, y);
                double l = 0.2126 * c.Red + 0.7152 * c.Green + 0.0722 * c.Blue;
                sum += l;
                squares += l * l;
                n++;
            }
        }
        double mean = sum / n;
        return squares / n - mean * mean;
    }
}
