using System.Net;
using System.Net.Sockets;
using Burnish.Cli.Tests.Infrastructure;

namespace Burnish.Cli.Tests;

/// <summary>
/// <c>--backend</c> on <c>outpaint</c> and <c>upscale</c>: the diffusion options need it, and a server that cannot be
/// reached is one line, a non-zero exit and no output. (The protocol itself is tested against the test servers in
/// Burnish.Core.Tests/Backends.)
/// </summary>
public class DiffusionOptionsTests
{
    [Theory]
    [InlineData("outpaint", "--prompt", "more sky")]
    [InlineData("upscale", "--diffusion-denoise", "0.3")]
    public void A_diffusion_option_without_backend_is_one_line(string command, string option, string value)
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.A1111);
        var args = command == "outpaint" ? new[] { command, input, "-o", "out.png", "--aspect", "16:9", option, value } : [command, input, "-o", "out.png", option, value];
        var result = ws.Burnish(args);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"{option} is for a diffusion server; give --backend KIND=URL too", result.Stderr);
        Assert.False(File.Exists(ws.PathOf("out.png")));
    }

    [Theory]
    [InlineData("outpaint")]
    [InlineData("upscale")]
    public void An_unreachable_backend_is_one_line_and_nothing_is_written(string command)
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.A1111);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var backend = $"a1111=http://127.0.0.1:{port}";
        var args = command == "outpaint"
            ? new[] { command, input, "-o", "out.png", "--aspect", "16:9", "--backend", backend, "--prompt", "more sky" }
            : [command, input, "-o", "out.png", "--model", "esrgan-slim-x2", "--backend", backend, "--seed", "7"];
        var result = ws.Burnish(args);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"back-end a1111 (a1111 http://127.0.0.1:{port}): cannot connect", result.Stderr);
        Assert.False(File.Exists(ws.PathOf("out.png")));
        Workspace.AssertNoTempFiles(ws.Root);
    }
}
