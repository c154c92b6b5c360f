namespace Burnish.IO;

/// <summary>
/// Every resource limit applied to untrusted input, in one place. Parsers take their bound from here so that a
/// crafted file is refused (or trimmed) with one clear line instead of stalling, overflowing the stack or
/// exhausting memory. The defaults sit far above anything a real tool writes.
/// </summary>
public sealed record InputLimits
{
    public static InputLimits Default { get; } = new();

    /// <summary>Bytes read from a recipe, look (grade preset), mask list or other small text file.</summary>
    public long MaxTextFileBytes { get; init; } = 4L << 20;

    /// <summary>Bytes read from a TF.js <c>model.json</c> (the graph and weight manifest; the weights are separate files).</summary>
    public long MaxModelJsonBytes { get; init; } = 64L << 20;

    /// <summary>Bytes read from a <c>.cube</c> LUT: a 256³ table at ~40 bytes a row, with room for comments.</summary>
    public long MaxLutFileBytes { get; init; } = 1L << 30;

    /// <summary>Characters in one line of a line-based text file (.cube); a row is three numbers.</summary>
    public int MaxLineChars { get; init; } = 64 << 10;

    /// <summary>Characters of one generation-metadata chunk parsed (A1111 parameters, ComfyUI graph, …); longer ones are ignored.</summary>
    public int MaxMetadataChunkChars { get; init; } = 8 << 20;

    /// <summary>Characters of the A1111 settings line (the last line) read for key/value pairs.</summary>
    public int MaxSettingsLineChars { get; init; } = 64 << 10;

    /// <summary>Nodes of a ComfyUI graph considered; a larger graph is not read for parameters.</summary>
    public int MaxGraphNodes { get; init; } = 20_000;

    /// <summary>Nesting depth of a recipe or look (mappings and lists inside one another).</summary>
    public int MaxNestingDepth { get; init; } = 64;

    /// <summary>Nodes of a recipe or look with every alias expanded (a "billion laughs" of nested aliases stops here).</summary>
    public int MaxExpandedNodes { get; init; } = 1 << 20;

    /// <summary>Looks that name another look through <c>preset:</c>, one inside the other.</summary>
    public int MaxPresetChain { get; init; } = 8;

    /// <summary>Pixels decoded to look for A1111 "stealth" metadata when <c>info</c> finds no other.</summary>
    public long MaxStealthPixels { get; init; } = 4096L * 4096L;

    /// <summary>Sub-folders entered while walking an input folder (a guard beyond loop detection).</summary>
    public int MaxFolderDepth { get; init; } = 256;
}
