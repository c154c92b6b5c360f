using Burnish.Imaging;
using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Stages;
using Burnish.Stages.Grade;

namespace Burnish.Core.Tests.Pipeline;

/// <summary>One image's budget: a stage past its time fails that image alone; an image over the memory budget is refused before decoding.</summary>
public class ImageBudgetTests
{
    private static RecipeSource GradeRecipe() => PreparedRecipeTests.GradeRecipe();

    // Image 0 is the one that stalls: it alone has no alpha.
    private static List<InputItem> Inputs(TempDir dir, int count) => PreparedRecipeTests.Inputs(dir, count, firstWithoutAlpha: true);

    [Fact]
    public async Task A_stage_past_its_time_budget_fails_its_image_with_one_line_and_the_batch_goes_on()
    {
        using var dir = new TempDir();
        using var resources = StageResources.ForProcess(LoadLimits.Default);
        var stalls = new StallWithoutAlpha();
        using var prepared = PreparedRecipe.Prepare(GradeRecipe(), resources, [.. StageCatalogue.Canonical.Select(s => s.Key == "grade" ? stalls : s)]);
        // Long enough for the other stages of a small image while the whole suite runs on 2 cores (5 s was not:
        // export alone took longer); the stalled one never ends, so the test waits this long once.
        var budget = new ImageBudget(TimeSpan.FromSeconds(30), long.MaxValue);
        var request = new BatchRequest(Inputs(dir, 3), dir.File("out"), prepared, FinishOptions.Default with { Budget = budget }, Parallelism: 2);

        var results = await Batch.RunAsync(request, null, CancellationToken.None);

        Assert.Equal(FinishStatus.Failed, results[0].Status);
        Assert.Equal("tree0.png: stage 'grade' ran past its time budget of 30 s (raise it with --stage-timeout)", Path.GetFileName(results[0].Message));
        // The stage was cancelled through its token, not left running: it saw the budget's cancellation.
        Assert.True(stalls.SawCancellation);
        Assert.All(results.Skip(1), r => Assert.Equal(FinishStatus.Finished, r.Status));
        Assert.Empty(Directory.EnumerateFiles(dir.File("out"), "tree0*"));
        Assert.True(File.Exists(dir.File("out/tree1.burnish.json")));
    }

    [Fact]
    public void A_streamed_stage_whose_work_stalls_while_its_image_is_read_fails_as_that_stage()
    {
        using var dir = new TempDir();
        using var resources = StageResources.ForProcess(LoadLimits.Default);
        var recipe = new RecipeSource(RecipeReader.Parse("version: 1\nupscale: {scale: 2}\nexport:\n  copies: [{long_edge: 64}]\n", "test.yaml"), "test");
        using var prepared = PreparedRecipe.Prepare(recipe, resources, [.. StageCatalogue.Canonical.Select(s => s.Key == "upscale" ? new StallingStream() : s)]);
        var options = FinishOptions.Default with { Budget = new ImageBudget(TimeSpan.FromSeconds(1), long.MaxValue) };

        // The stage returns at once; its stream stalls when export reads it, after the stage's Apply has ended.
        var result = Finisher.Finish(Fixtures.PathOf("tree_alpha_16bit.png"), new OutputNames(dir.File("out/tree")), prepared, options);

        Assert.True(result.Status == FinishStatus.Failed, result.Message);
        Assert.True(result.Message.EndsWith("tree_alpha_16bit.png: stage 'upscale' ran past its time budget of 1 s (raise it with --stage-timeout)"), result.Message);
        Assert.False(Directory.Exists(dir.File("out")) && Directory.EnumerateFiles(dir.File("out")).Any());
    }

    [Fact]
    public async Task Cancelling_the_batch_is_still_a_cancellation_not_a_timeout()
    {
        using var dir = new TempDir();
        using var resources = StageResources.ForProcess(LoadLimits.Default);
        using var prepared = PreparedRecipe.Prepare(GradeRecipe(), resources, [.. StageCatalogue.Canonical.Select(s => s.Key == "grade" ? new StallWithoutAlpha() : s)]);
        var request = new BatchRequest(Inputs(dir, 1), dir.File("out"), prepared,
            FinishOptions.Default with { Budget = new ImageBudget(TimeSpan.FromMinutes(5), long.MaxValue) }, Parallelism: 1);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var e = await Assert.ThrowsAsync<BatchCancelledException>(() => Batch.RunAsync(request, null, cancel.Token));

        Assert.Equal(FinishStatus.Cancelled, e.Results[0].Status);
    }

    [Fact]
    public void An_image_over_the_memory_budget_is_refused_before_decoding_with_one_line()
    {
        using var dir = new TempDir();
        var input = Fixtures.PathOf("tree_alpha_16bit.png");
        var recipe = GradeRecipe();
        var need = WorkingMemory.Estimate(recipe.Recipe, 342, 256);
        var options = FinishOptions.Default with { Budget = new ImageBudget(ImageBudget.DefaultStageTime, need - 1) };

        var refused = Finisher.Finish(input, new OutputNames(dir.File("out/tree")), recipe, options);

        Assert.Equal(FinishStatus.Failed, refused.Status);
        Assert.Matches(@"^.*tree_alpha_16bit\.png: 342×256 needs about \d+ MB of working memory with this recipe, over the budget of \d+ MB per image \(raise it with --max-memory-mb\)$", refused.Message);
        Assert.False(Directory.Exists(dir.File("out")) && Directory.EnumerateFiles(dir.File("out")).Any());

        // At exactly the estimate it runs.
        var admitted = Finisher.Finish(input, new OutputNames(dir.File("out/tree")), recipe, options with { Budget = options.Budget! with { MemoryBytes = need } });
        Assert.Equal(FinishStatus.Finished, admitted.Status);
    }

    [Fact]
    public void The_estimate_grows_with_what_the_recipe_makes()
    {
        static long Of(string yaml, int w = 1024, int h = 1024) => WorkingMemory.Estimate(RecipeReader.Parse("version: 1\n" + yaml, "t.yaml"), w, h);

        var plain = Of("grade: {}\n");
        // The chain's part is per pixel: four times the pixels, four times that part.
        Assert.Equal(4 * (plain - WorkingMemory.BaseBytes), Of("grade: {}\n", 2048, 2048) - WorkingMemory.BaseBytes);
        // A ×4 upscale makes the chain 16 times larger, whether given as a scale, passes or a target.
        Assert.Equal(16 * (plain - WorkingMemory.BaseBytes), Of("upscale: {scale: 4}\n") - WorkingMemory.BaseBytes);
        Assert.Equal(Of("upscale: {scale: 4}\n"), Of("upscale: {passes: [2, 2]}\n"));
        Assert.Equal(Of("upscale: {scale: 4}\n"), Of("upscale: {target: {long_edge: 4096}}\n"));
        // An A3 print copy is made at its own size, whatever the input's.
        var a3 = Of("export: {copies: [{destination: print-a3-300ppi}]}\n", 256, 256) - Of("grade: {}\n", 256, 256);
        Assert.True(a3 >= 3508L * 4961 * WorkingMemory.BytesPerCopyPixel, $"{a3}");
        // Outpaint 1:1 to 16:9 grows the canvas by 16/9, and its fill costs more per pixel than a grade.
        var expected = 1024.0 * 1024 * 16 / 9 * WorkingMemory.BytesPerChainPixelWithFill + WorkingMemory.BaseBytes;
        Assert.InRange(Of("outpaint: {aspect: '16:9'}\n"), expected - 1024, expected + 1024);
    }

    /// <summary>An "upscale" whose result is computed as it is read, and whose computing never ends until the token it was given is cancelled.</summary>
    private sealed class StallingStream : IStage<Burnish.Stages.Upscale.UpscaleParams>
    {
        public string Key => "upscale";

        public IPreparedStage Prepare(Burnish.Stages.Upscale.UpscaleParams parameters, StageResources resources) => new Prepared();

        private sealed class Prepared : IPreparedStage
        {
            public ImageAccess Access => ImageAccess.Sequential;

            public StageOutcome Apply(WorkImage image, StageContext context) =>
                StageOutcome.Done(image, StageReport.Empty) with { Stream = new Stream(image, context.Cancel) };

            public void Dispose() { }
        }

        private sealed class Stream(WorkImage image, CancellationToken cancel) : IStreamedImage
        {
            public WorkImage Image => image;

            public StageReport Report => StageReport.Empty;

            public void Consume(Action<WorkImage> consume)
            {
                cancel.WaitHandle.WaitOne(TimeSpan.FromSeconds(60));
                cancel.ThrowIfCancellationRequested();
                consume(image);
            }

            public WorkImage Materialise()
            {
                Consume(_ => { });
                return image;
            }

            public void Dispose() { }
        }
    }

    /// <summary>A grade stage that never finishes on an image without alpha, until its token is cancelled.</summary>
    private sealed class StallWithoutAlpha : IStage<GradeParams>
    {
        private int sawCancellation;
        public bool SawCancellation => sawCancellation == 1;

        public string Key => "grade";

        public IPreparedStage Prepare(GradeParams parameters, StageResources resources) => new Prepared(this);

        private sealed class Prepared(StallWithoutAlpha owner) : IPreparedStage
        {
            public StageOutcome Apply(WorkImage image, StageContext context)
            {
                if (image.HasAlpha) return StageOutcome.Done(image, StageReport.Empty);
                // Bounded, so a broken budget fails the test instead of hanging it.
                if (context.Cancel.WaitHandle.WaitOne(TimeSpan.FromSeconds(60))) Interlocked.Exchange(ref owner.sawCancellation, 1);
                context.Cancel.ThrowIfCancellationRequested();
                return StageOutcome.Done(image, StageReport.Empty);
            }

            public void Dispose() { }
        }
    }
}
