using Burnish.Imaging;
using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Stages;
using Burnish.Stages.Export;
using Burnish.Stages.Grade;

namespace Burnish.Core.Tests.Pipeline;

/// <summary>A run prepares each stage once and shares it; one image's fault fails that image alone.</summary>
public class PreparedRecipeTests
{
    internal static RecipeSource GradeRecipe() =>
        new(RecipeReader.Parse("version: 1\ngrade: {exposure: 0.2}\nexport:\n  copies: [{long_edge: 64}]\n", "test.yaml"), "test");

    private static IReadOnlyList<IStage> WithGrade(IStage grade) => [.. StageCatalogue.Canonical.Select(s => s.Key == "grade" ? grade : s)];

    internal static List<InputItem> Inputs(TempDir dir, int count, bool firstWithoutAlpha = false)
    {
        var photo = ImageLoader.Load(Fixtures.PathOf("tree_alpha_16bit.png"), LoadLimits.Default).Image;
        var items = new List<InputItem>();
        for (var i = 0; i < count; i++)
        {
            var path = dir.File($"in/tree{i}.png");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var image = i == 0 && firstWithoutAlpha ? photo.WithPixels(photo.Colour) : photo;
            ImageFiles.Save16(image, MasterFormat.Png, OutputMetadata.Bare(72), path);
            items.Add(new InputItem(path, $"tree{i}"));
        }
        return items;
    }

    [Fact]
    public async Task Each_stage_is_prepared_once_per_batch_and_its_shared_resources_once_per_host()
    {
        using var dir = new TempDir();
        var counting = new CountingStage(new GradeStage());
        using var resources = StageResources.ForProcess(LoadLimits.Default);
        using (var prepared = PreparedRecipe.Prepare(GradeRecipe(), resources, WithGrade(counting)))
        {
            var request = new BatchRequest(Inputs(dir, 4), dir.File("out"), prepared, FinishOptions.Default, Parallelism: 2);
            var results = await Batch.RunAsync(request, null, CancellationToken.None);
            Assert.All(results, r => Assert.Equal(FinishStatus.Finished, r.Status));
            Assert.Equal((1, 4), (counting.Prepared, counting.Applied));
            Assert.Equal(0, counting.Disposed);
        }
        Assert.Equal(1, counting.Disposed);

        // A second run on the same resources prepares again but finds the shared service already made.
        using (PreparedRecipe.Prepare(GradeRecipe(), resources, WithGrade(counting))) { }
        Assert.Equal((2, 1), (counting.Prepared, counting.SessionsMade));
    }

    [Fact]
    public async Task An_unexpected_fault_in_one_image_fails_that_image_and_the_batch_goes_on()
    {
        using var dir = new TempDir();
        using var resources = StageResources.ForProcess(LoadLimits.Default);
        using var prepared = PreparedRecipe.Prepare(GradeRecipe(), resources, WithGrade(new FaultOnAlpha()));
        var request = new BatchRequest(Inputs(dir, 3, firstWithoutAlpha: true), dir.File("out"), prepared, FinishOptions.Default, Parallelism: 1);

        var results = await Batch.RunAsync(request, null, CancellationToken.None);

        Assert.Equal(FinishStatus.Finished, results[0].Status);
        Assert.All(results.Skip(1), r =>
        {
            Assert.Equal(FinishStatus.Failed, r.Status);
            Assert.Contains("unexpected error: the kernel met alpha (InvalidOperationException)", r.Message);
            Assert.DoesNotContain('\n', r.Message);
        });
        Assert.True(File.Exists(dir.File("out/tree0.burnish.json")));
        // A failed image leaves nothing behind: its set is written all or none.
        Assert.Empty(Directory.EnumerateFiles(dir.File("out"), "tree1*"));
    }

    [Fact]
    public void A_bad_lut_fails_the_run_when_it_is_prepared_before_any_image()
    {
        using var resources = StageResources.ForProcess(LoadLimits.Default);
        var recipe = new RecipeSource(RecipeReader.Parse("version: 1\ngrade: {lut: {file: no-such.cube}}\n", "test.yaml"), "test");
        var e = Assert.ThrowsAny<BurnishException>(() => PreparedRecipe.Prepare(recipe, resources));
        Assert.Contains("no-such.cube", e.Message);
    }

    /// <summary>The grade stage, counting how often it is prepared, applied and released, and how often its shared service is made.</summary>
    private sealed class CountingStage(GradeStage inner) : IStage<GradeParams>
    {
        private int prepared, applied, disposed, sessionsMade;
        public int Prepared => prepared;
        public int Applied => applied;
        public int Disposed => disposed;
        public int SessionsMade => sessionsMade;

        public string Key => inner.Key;

        public IPreparedStage Prepare(GradeParams parameters, StageResources resources)
        {
            Interlocked.Increment(ref prepared);
            resources.Shared("counting-sessions", () =>
            {
                Interlocked.Increment(ref sessionsMade);
                return new object();
            });
            return new CountedGrade(this, ((IStage<GradeParams>)inner).Prepare(parameters, resources));
        }

        private sealed class CountedGrade(CountingStage owner, IPreparedStage inner) : IPreparedStage
        {
            public StageOutcome Apply(WorkImage image, StageContext context)
            {
                Interlocked.Increment(ref owner.applied);
                return inner.Apply(image, context);
            }

            public void Dispose()
            {
                Interlocked.Increment(ref owner.disposed);
                inner.Dispose();
            }
        }
    }

    /// <summary>A grade stage with a bug that only images with alpha reach.</summary>
    private sealed class FaultOnAlpha : IStage<GradeParams>
    {
        public string Key => "grade";

        public IPreparedStage Prepare(GradeParams parameters, StageResources resources) => new Prepared();

        private sealed class Prepared : IPreparedStage
        {
            public StageOutcome Apply(WorkImage image, StageContext context) =>
                image.HasAlpha ? throw new InvalidOperationException("the kernel met alpha\n   at a stack line") : StageOutcome.Done(image, StageReport.Empty);

            public void Dispose() { }
        }
    }
}
