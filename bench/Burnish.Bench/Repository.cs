namespace Burnish.Bench;

/// <summary>Files of the checkout the benchmarks run from (the folder holding Burnish.slnx), such as test fixtures.</summary>
internal static class Repository
{
    public static string File(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Burnish.slnx"))) return Path.Combine(dir.FullName, relative);
        throw new InvalidOperationException("run the benchmarks from the repository");
    }
}
