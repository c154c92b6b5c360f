using Burnish.Recipes;
using YamlDotNet.RepresentationModel;

namespace Burnish.Server.Jobs;

/// <summary>
/// A repair mask sent with one image (the studio's painted mask, as <c>--mask</c> on the CLI): stored beside the
/// input, and run as a first repair pass of that image only. The client never names a path; the server does.
/// </summary>
public static class ImageMasks
{
    public static string Key(string id, int image) => $"jobs/{id}/inputs/{image}.mask";

    /// <summary>The recipe text the image runs: <paramref name="recipeText"/> (its arm's, from <paramref name="origin"/>), with a first repair pass over its mask when it has one.</summary>
    public static string Recipe(JobBook book, JobRecord job, int image, string recipeText, string origin)
    {
        var key = Key(job.Id, image);
        if (!book.Store.Exists(key)) return recipeText;
        var path = Path.Combine(book.Store.LocalFolder(Path.GetDirectoryName(key)!), Path.GetFileName(key));
        // Read as the recipe reader reads it (the text passed it when the job was submitted), so the same guards apply.
        var root = (YamlMappingNode)RecipeReader.Root(recipeText, origin)!;
        var pass = new YamlMappingNode { { "mask", path } };
        if (root.Children.TryGetValue(new YamlScalarNode("repair"), out var node) && node is YamlSequenceNode passes)
            passes.Children.Insert(0, pass);
        else
            root.Children[new YamlScalarNode("repair")] = new YamlSequenceNode(pass);
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }
}
