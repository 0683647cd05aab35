// A figure of `control plot` and `control report`: ScottPlot plots stacked top to bottom, each a panel of the same
// size, rendered through SkiaSharp to a PNG or an SVG (ScottPlot renders a plot into a rectangle of any Skia
// canvas; a raster surface gives the PNG, Skia's SVG canvas the SVG, whose text stays text).
using Control.Core;
using ScottPlot;
using SkiaSharp;

namespace Control.Cli.Plots;

/// <summary>Plots stacked vertically, each <see cref="PanelWidth"/> x <see cref="PanelHeight"/> pixels.</summary>
public sealed class Figure(IReadOnlyList<Plot> panels)
{
    /// <summary>Width of every panel (and of the figure), pixels.</summary>
    public const int PanelWidth = 800;

    /// <summary>Height of every panel, pixels.</summary>
    public const int PanelHeight = 360;

    /// <summary>The panels, top to bottom.</summary>
    public IReadOnlyList<Plot> Panels { get; } = panels.Count > 0 ? panels : throw new ArgumentException("a figure needs at least one plot", nameof(panels));

    /// <summary>Figure width, pixels.</summary>
    public int Width => PanelWidth;

    /// <summary>Figure height, pixels (the panels' heights summed).</summary>
    public int Height => PanelHeight * Panels.Count;

    /// <summary>The figure as PNG bytes.</summary>
    public byte[] ToPng()
    {
        using SKSurface surface = SKSurface.Create(new SKImageInfo(Width, Height));
        surface.Canvas.Clear(SKColors.White);
        Draw(surface.Canvas);
        using SKImage image = surface.Snapshot();
        using SKData data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>The figure as an SVG document (starting with its XML declaration).</summary>
    public string ToSvg()
    {
        using var stream = new MemoryStream();
        using (SKCanvas canvas = SKSvgCanvas.Create(new SKRect(0, 0, Width, Height), stream))
        {
            Draw(canvas);
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the figure to <paramref name="path"/> atomically, as PNG or SVG by its extension.</summary>
    /// <exception cref="ArgumentException">The extension is neither .png nor .svg.</exception>
    public void Save(string path)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        byte[] bytes = extension switch
        {
            ".png" => ToPng(),
            ".svg" => System.Text.Encoding.UTF8.GetBytes(ToSvg()),
            _ => throw new ArgumentException($"--out: expected a file ending in .png or .svg, got '{path}'"),
        };
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    // Each panel into its own band: the canvas is moved to the band's top and clipped to it, and the plot fills it.
    private void Draw(SKCanvas canvas)
    {
        for (int i = 0; i < Panels.Count; i++)
        {
            canvas.Save();
            canvas.Translate(0, i * PanelHeight);
            canvas.ClipRect(new SKRect(0, 0, PanelWidth, PanelHeight));
            Panels[i].Render(canvas, new PixelRect(0, PanelWidth, PanelHeight, 0));
            canvas.Restore();
        }
    }
}
