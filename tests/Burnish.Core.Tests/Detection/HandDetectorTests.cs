using Burnish.Core.Tests.Models;
using Burnish.Detection;
using Burnish.Detection.Hands;
using Burnish.Imaging;
using Xunit.Abstractions;

namespace Burnish.Core.Tests.Detection;

/// <summary>The palm and landmark models from the shared test model cache, loaded once for every hand test.</summary>
public sealed class HandDetectorFixture : IDisposable
{
    public HandDetector Detector { get; } = HandDetector.FromCache(TestModels.Cache);

    public void Dispose() => Detector.Dispose();
}

[CollectionDefinition("hand-detector")]
public sealed class HandDetectorCollection : ICollectionFixture<HandDetectorFixture>;

/// <summary>Hands on real photos (fixtures/hands, faces; see their SOURCES.md) against boxes drawn by eye.</summary>
[Collection("hand-detector")]
public class HandDetectorTests(HandDetectorFixture fixture, ITestOutputHelper output)
{
    private readonly HandDetector detector = fixture.Detector;

    private static WorkImage Load(params string[] path) => ImageLoader.Load(Fixtures.PathOf(path), LoadLimits.Default).Image;

    private IReadOnlyList<DetectedHand> Detect(WorkImage image, HandMaskParams? p = null)
    {
        var hands = detector.Detect(image, p ?? HandMaskParams.Default);
        foreach (var h in hands) output.WriteLine($"{h.Box} presence {h.Presence:0.000} palm {h.PalmScore:0.000} at {h.Palm}");
        return hands;
    }

    [Fact]
    public void Prints()
    {
        Detect(Load("hands", "woman.jpeg"));
        Detect(Load("faces", "children.jpg"));
        Detect(Load("faces", "astronaut.jpg"));
    }
}
