using Burnish.Backends.A1111;
using Burnish.Backends.ComfyUi;

namespace Burnish.Backends;

/// <summary>
/// The clients of a run's diffusion servers, one per server (kind, URL and credentials), so a server's concurrency
/// limit holds over every image and pass. A host provides one through the stage resources (key
/// <see cref="ResourceKey"/>), or one is made on first use; it owns its clients.
/// </summary>
public sealed class BackendClients(Func<HttpMessageHandler>? handler = null) : IDisposable
{
    /// <summary>The key under which the stage resources hold the clients.</summary>
    public const string ResourceKey = "diffusion-backends";

    private readonly Dictionary<BackendSpec, IDiffusionBackend> clients = [];
    private readonly Lock gate = new();

    /// <summary>The client of <paramref name="spec"/>; throws <see cref="BurnishException"/> when its credentials are missing.</summary>
    public IDiffusionBackend For(BackendSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        lock (gate)
        {
            if (clients.TryGetValue(spec, out var existing)) return existing;
            IDiffusionBackend made = spec.Kind switch
            {
                BackendKind.A1111 => new A1111Client(spec, handler?.Invoke()),
                BackendKind.Comfyui => new ComfyUiClient(spec, handler?.Invoke()),
                _ => throw new BurnishException($"back-end {spec}: kind {spec.Kind} has no client"),
            };
            clients[spec] = made;
            return made;
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var c in clients.Values.OfType<IDisposable>()) c.Dispose();
            clients.Clear();
        }
    }
}
