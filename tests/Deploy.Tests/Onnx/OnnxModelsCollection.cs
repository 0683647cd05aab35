namespace Control.Deploy.Tests.Onnx;

/// <summary>The test classes that share one <see cref="OnnxModels"/> (one python process for all of them).</summary>
[CollectionDefinition(Name)]
public sealed class OnnxModelsCollection : ICollectionFixture<OnnxModels>
{
    public const string Name = "onnx models";
}
