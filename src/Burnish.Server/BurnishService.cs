using Burnish.Imaging;
using Burnish.Models;
using Burnish.Pipeline;
using Burnish.Server.Api;
using Burnish.Server.Jobs;
using Burnish.Server.Queue;
using Burnish.Server.Store;
using Burnish.Stages;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Dashboard;
using Hangfire.Storage.SQLite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Burnish.Server;

/// <summary>
/// The service: the HTTP API, the queue (Hangfire on SQLite under the data folder by default) and in-process workers.
/// Every image job calls the core's <see cref="Finisher"/> with a <see cref="PreparedRecipe"/>, never a stage.
/// </summary>
public static class BurnishService
{
    /// <summary>Builds the service; start it with <c>StartAsync</c> or <c>RunAsync</c>. Throws <see cref="BurnishException"/> for unsafe options.</summary>
    public static WebApplication Build(ServiceOptions options, Action<ILoggingBuilder>? logging = null)
    {
        options.Check();
        var endpoint = options.Endpoint();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning).AddFilter("Hangfire", LogLevel.Warning);
        logging?.Invoke(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Multipart framing adds a little to the files themselves.
            kestrel.Limits.MaxRequestBodySize = options.Limits.MaxUploadBytes + (1 << 20);
            kestrel.Listen(endpoint);
        });
        builder.Services.Configure<FormOptions>(form =>
        {
            form.MultipartBodyLengthLimit = options.Limits.MaxUploadBytes;
            form.ValueLengthLimit = 1 << 20;
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        var storage = AddQueue(builder.Services, options);
        builder.Services.AddSingleton<ServiceMetrics>();
        // A scrape always reads the figures of that moment (the exporter would otherwise answer from a 300 ms cache).
        builder.Services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("burnish")).WithMetrics(metrics => metrics.AddMeter([.. ServiceMetrics.Meters])
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        // The dashboard looks these up as AddHangfire would register them; they are Hangfire's own defaults, left unchanged
        // (AddHangfire itself would set the process-wide JobStorage.Current, which two services in one process must not share).
        builder.Services.AddSingleton<IGlobalConfiguration>(GlobalConfiguration.Configuration);
        builder.Services.AddSingleton(DashboardRoutes.Routes);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        var bearer = string.IsNullOrEmpty(options.Token) ? null : new BearerToken(options.Token);
        if (bearer is not null) app.Use(bearer.Guard);
        app.MapOpenApi();
        // The dashboard is behind the same bearer rule as the API (the middleware above), and loopback-only without one.
        app.UseHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [new DashboardAccess()], AppPath = "/", DisplayStorageConnectionString = false }, storage);
        StudioPage.Map(app);
        app.MapGet("/healthz", () => Results.Text("ok\n")).ExcludeFromDescription();
        app.MapGet("/readyz", (IJobQueue queue, JobBook book) => Ready(queue, book)).ExcludeFromDescription();
        // The instruments exist from here on, so the first scrape already has them.
        app.Services.GetRequiredService<ServiceMetrics>();
        app.MapPrometheusScrapingEndpoint("/metrics").ExcludeFromDescription();
        JobsApi.Map(app);
        StudioApi.Map(app);
        Ratings.Map(app);
        MaskLayers.Map(app);
        BearerToken.MapSession(app, bearer);
        app.MapFallback((HttpRequest request) => Problems.NotFound($"{request.Method} {request.Path}: no such endpoint")).ExcludeFromDescription();
        return app;
    }

    /// <summary>A worker without the API (<c>burnish worker</c>): it takes image jobs from the shared queue and store.</summary>
    public static IHost BuildWorker(ServiceOptions options, Action<ILoggingBuilder>? logging = null)
    {
        if (options.Workers < 1) throw new BurnishException("--workers must be at least 1 for a worker");
        if (options.Database is null) throw new BurnishException("a worker needs --db postgres://… (the queue it shares with the server)");
        if (options.StorePath is null) throw new BurnishException("a worker needs --store PATH (the folder it shares with the server)");
        options.Check();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddConsole().AddFilter("Microsoft", LogLevel.Warning).AddFilter("Hangfire", LogLevel.Warning);
        logging?.Invoke(builder.Logging);
        AddQueue(builder.Services, options);
        return builder.Build();
    }

    /// <summary>The address a started service listens on (the free port it was given for port 0).</summary>
    public static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    private static JobStorage AddQueue(IServiceCollection services, ServiceOptions options)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var limits = options.Limits;
        services.AddSingleton(limits);
        var threads = options.JobThreads;
        // libvips has one thread count per process: each image's pipelines get this many, so that the workers' images
        // together fill the cores instead of each asking for all of them (ONNX Runtime's follow through the resources).
        if (options.Workers > 0) global::NetVips.NetVips.Concurrency = threads;
        // The same per-image budget as finish -j N, with N the workers of this process.
        services.AddSingleton(ImageBudget.For(Math.Max(1, options.Workers), limits.StageTime, limits.MaxMemoryBytes));
        services.AddSingleton<IBlobStore>(new DirectoryBlobStore(options.Store));
        services.AddSingleton<JobBook>();
        services.AddSingleton(sp =>
        {
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Burnish.Server.Stages");
            return new StageResources(new ModelCache(options.ModelsRoot), new LoadLimits(limits.MaxPixels), Path.GetTempPath(),
                new SyncProgress<string>(m => log.LogInformation("{Notice}", m))) { ThreadsPerImage = threads };
        });
        services.AddTransient<ImageJob>();
        // Read once at start: the queues taken and the statement in the store both come from it.
        services.AddSingleton(sp => WorkerCapabilities.Of(sp.GetRequiredService<StageResources>().Models, options.Gpu));

        JobStorage storage = options.Database is { } database ? PostgresQueue.Storage(database) : new SQLiteStorage(Path.Combine(options.DataDirectory, "queue.db"), new SQLiteStorageOptions
        {
            // How soon an idle worker sees new work (this storage has no signal): 200 ms cost a batch 0.1 s at its start
            // on average; 50 ms costs an idle service 0.5 % more of a core (1.9 % against 1.4 %).
            QueuePollInterval = TimeSpan.FromMilliseconds(50),
            // A job fetched by a process that died is handed out again after this; longer than any one image takes.
            InvisibilityTimeout = TimeSpan.FromMinutes(15),
        });
        var filters = QueueWorkers.Filters();
        services.AddSingleton<JobStorage>(storage);
        services.AddSingleton<IBackgroundJobClient>(new BackgroundJobClient(storage, filters));
        services.AddSingleton<IJobQueue, HangfireJobQueue>();
        if (options.Workers > 0)
            services.AddHostedService(sp => new QueueWorkers(storage, filters, new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()),
                options.Workers, threads, sp.GetRequiredService<WorkerCapabilities>(), sp.GetRequiredService<IBlobStore>()));
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(45));
        return storage;
    }

    private static IResult Ready(IJobQueue queue, JobBook book)
    {
        try
        {
            var figures = queue.Figures();
            book.Store.Put("ready-probe", "ok"u8);
            return Results.Json(new { ready = true, workers = figures.Workers, queued = figures.Enqueued.Values.Sum() });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, $"not ready: {e.Message.Split('\n')[0]}");
        }
    }

    /// <summary>Lets every request through that reached the dashboard: the bearer middleware has already ruled on it.</summary>
    private sealed class DashboardAccess : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => true;
    }
}
