using Burnish.Backends;
using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Stages.Repair;

namespace Burnish.Core.Tests.Backends;

/// <summary>The recipe's backends: section, --backend's spellings, and a pass's backend name checked before anything runs.</summary>
public sealed class BackendSpecTests
{
    private const string Recipe = """
        version: 1
        backends:
          - name: studio
            kind: a1111
            url: http://gpu-box:7860
            auth_env: A1111_AUTH
            timeout: 900
        repair:
          - boxes: [[10, 10, 20, 20]]
            method: diffusion
            backend: studoi
            prompt: a natural hand
        """;

    [Fact]
    public void An_unknown_backend_name_is_reported_at_its_line_and_column()
    {
        var e = Assert.Throws<RecipeException>(() => RecipeReader.Parse(Recipe, "r.yaml"));
        var problem = Assert.Single(e.Problems);
        Assert.Equal((11, 14), (problem.Line, problem.Column));
        Assert.Contains("no back-end named 'studoi'; the recipe's backends are studio", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_known_name_binds_and_the_pass_is_given_its_server_when_the_run_is_prepared()
    {
        var recipe = RecipeReader.Parse(Recipe.Replace("backend: studoi", "backend: studio", StringComparison.Ordinal), "r.yaml");
        var spec = Assert.Single(recipe.Backends!);
        Assert.Equal(("studio", BackendKind.A1111, "http://gpu-box:7860", "A1111_AUTH", 900.0, 1, 2),
            (spec.Name, spec.Kind, spec.Url, spec.AuthEnv, spec.Timeout, spec.Concurrency, spec.Retries));
        Assert.Null(recipe.Repair![0].Endpoint);
        Assert.Equal(spec, recipe.WithBackendsAttached().Repair![0].Endpoint);
        // The server is part of the recipe's hash (a changed server is a changed recipe for --resume); the attachment is not.
        Assert.Equal(new RecipeSource(recipe, "a").Sha256, new RecipeSource(recipe.WithBackendsAttached(), "b").Sha256);
        var moved = recipe with { Backends = [spec with { Url = "http://other:7860" }] };
        Assert.NotEqual(new RecipeSource(recipe, "a").Sha256, new RecipeSource(moved, "a").Sha256);
    }

    [Fact]
    public void A_diffusion_pass_needs_a_backend_and_the_diffusion_keys_need_the_method()
    {
        var e = Assert.Throws<RecipeException>(() => RecipeReader.Parse("version: 1\nrepair:\n  - boxes: [[1, 1, 5, 5]]\n    method: diffusion\n", "r.yaml"));
        Assert.Contains(e.Problems, p => p.Message.Contains("method diffusion needs backend", StringComparison.Ordinal));
        e = Assert.Throws<RecipeException>(() => RecipeReader.Parse("version: 1\nrepair:\n  - boxes: [[1, 1, 5, 5]]\n    prompt: a hand\n", "r.yaml"));
        Assert.Contains(e.Problems, p => p.Message.Contains("prompt is for method: diffusion", StringComparison.Ordinal) && p.Line == 4);
    }

    [Theory]
    [InlineData("a1111=http://127.0.0.1:7860", "a1111", "http://127.0.0.1:7860")]
    [InlineData("studio=a1111=http://user:pw@gpu:7860/?x=1", "studio", "http://user:pw@gpu:7860/?x=1")]
    [InlineData("A1111=https://sd.example.org", "a1111", "https://sd.example.org")]
    public void Command_line_spellings_parse(string text, string name, string url)
    {
        var spec = BackendSpec.Parse(text);
        Assert.Equal((name, BackendKind.A1111, url), (spec.Name, spec.Kind, spec.Url));
    }

    [Theory]
    [InlineData("http://127.0.0.1:7860", "expected KIND=URL")]
    [InlineData("comfy=http://127.0.0.1:8188", "kind 'comfy' is not one of a1111")]
    [InlineData("a=b=a1111=http://x", "expected KIND=URL or NAME=KIND=URL")]
    [InlineData("a1111=ftp://x", "expected KIND=URL")]
    public void Bad_spellings_are_one_line(string text, string message)
    {
        var e = Assert.Throws<BurnishException>(() => BackendSpec.Parse(text));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Credentials_never_reach_the_public_url()
    {
        Assert.Equal("http://gpu:7860", new BackendSpec { Name = "a", Url = "http://user:s3cret@gpu:7860/" }.PublicUrl);
        Assert.Equal("http://gpu:7860", new BackendSpec { Name = "a", Url = "http://gpu:7860" }.PublicUrl);
    }

    [Fact]
    public void A_missing_auth_variable_is_one_line_naming_it()
    {
        var spec = new BackendSpec { Name = "a", Url = "http://127.0.0.1:9", AuthEnv = "BURNISH_TEST_NO_SUCH_VARIABLE" };
        using var clients = new BackendClients();
        var e = Assert.Throws<BurnishException>(() => clients.For(spec));
        Assert.Contains("auth_env BURNISH_TEST_NO_SUCH_VARIABLE is not set", e.Message, StringComparison.Ordinal);
    }
}
