namespace Burnish.Cli;

/// <summary>Process exit codes: 0 all done, 1 some images failed, 2 the command could not start (bad input, recipe, arguments), 130 cancelled.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int SomeFailed = 1;
    public const int BadInput = 2;
    public const int Cancelled = 130;
}
