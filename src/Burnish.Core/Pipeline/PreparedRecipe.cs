using Burnish.Backends;
using Burnish.Stages;

namespace Burnish.Pipeline;

/// <summary>One stage of a prepared recipe: its recipe section and, when the recipe has it, the stage ready to run.</summary>
public sealed record PreparedStep(IStage Stage, object? Parameters, IPreparedStage? Prepared);

/// <summary>
/// A recipe with every stage it uses prepared once (LUTs, masks and models loaded and checked) before any image is
/// touched, shared by every image of the run. Dispose it when the run ends; the resources stay with their owner.
/// </summary>
public sealed class PreparedRecipe : IDisposable
{
    private PreparedRecipe(RecipeSource source, IReadOnlyList<PreparedStep> steps, ServerCheckpoints? servers) => (Source, Steps, Servers) = (source, steps, servers);

    public RecipeSource Source { get; }

    /// <summary>For --resume: the checkpoints the recipe's diffusion servers would use now; null without servers.</summary>
    public ServerCheckpoints? Servers { get; }

    /// <summary>Every stage of the catalogue, in its order; <see cref="PreparedStep.Prepared"/> is null for those the recipe leaves out.</summary>
    public IReadOnlyList<PreparedStep> Steps { get; }

    /// <summary>The sets one input makes when a stage makes several (outpaint to several aspects); empty otherwise.</summary>
    public IReadOnlyList<StageVariant> Variants => [.. Steps.SelectMany(s => s.Prepared?.Variants ?? [])];

    /// <summary>
    /// Prepares every stage of <paramref name="catalogue"/> (the canonical one by default) that <paramref name="source"/>
    /// has a section for. A stage that cannot prepare fails the whole run here, with its one-line reason.
    /// </summary>
    public static PreparedRecipe Prepare(RecipeSource source, StageResources resources, IReadOnlyList<IStage>? catalogue = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(resources);
        var steps = new List<PreparedStep>();
        try
        {
            // Passes that name a back-end get its address here, whatever made the recipe (a file, the command line).
            var recipe = source.Recipe.WithBackendsAttached();
            foreach (var stage in catalogue ?? StageCatalogue.Canonical)
            {
                var section = StageCatalogue.RunSection(recipe, stage);
                steps.Add(new PreparedStep(stage, section, section is null ? null : stage.Prepare(section, resources)));
            }
        }
        catch
        {
            foreach (var step in steps) step.Prepared?.Dispose();
            throw;
        }
        var servers = source.Recipe.Backends is { Count: > 0 }
            ? new ServerCheckpoints(source.Recipe, spec => resources.Shared(BackendClients.ResourceKey, () => new BackendClients()).For(spec))
            : null;
        return new PreparedRecipe(source, steps, servers);
    }

    public void Dispose()
    {
        foreach (var step in Steps) step.Prepared?.Dispose();
    }
}
