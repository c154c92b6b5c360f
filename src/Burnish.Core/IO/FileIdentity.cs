using System.Runtime.InteropServices;

namespace Burnish.IO;

/// <summary>What a path names, as the file system says (following symbolic links).</summary>
public enum FileKind { Missing, Regular, Directory, Fifo, CharacterDevice, BlockDevice, Socket, Other }

/// <summary>
/// File type and identity (device + inode) from Linux <c>statx(2)</c>, whose layout is the same on every
/// architecture. .NET tells files from folders but not a FIFO or <c>/dev/zero</c> from a file, and opening a FIFO
/// blocks. Where <c>statx</c> is not available, the kind falls back to file-or-folder and the identity to null.
/// </summary>
public static class FileIdentity
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const int StatxSize = 256;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    private static byte[]? Stat(string path, bool followLinks)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var buffer = new byte[StatxSize];
        try
        {
            return Statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxBasicStats, buffer) == 0 ? buffer : [];
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The kind of file <paramref name="path"/> names, following symbolic links.</summary>
    public static FileKind KindOf(string path)
    {
        var st = Stat(path, followLinks: true);
        if (st is null)
            return Directory.Exists(path) ? FileKind.Directory : File.Exists(path) ? FileKind.Regular : FileKind.Missing;
        if (st.Length == 0) return FileKind.Missing;
        var mode = MemoryMarshal.Read<ushort>(st.AsSpan(28)) & 0xF000; // stx_mode (native byte order), S_IFMT
        return mode switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Other,
        };
    }

    /// <summary>Device and inode of what <paramref name="path"/> names (links followed); null where not known.</summary>
    public static (ulong Device, ulong Inode)? IdOf(string path)
    {
        var st = Stat(path, followLinks: true);
        if (st is null || st.Length == 0) return null;
        var s = st.AsSpan();
        var inode = MemoryMarshal.Read<ulong>(s[32..]);
        var device = ((ulong)MemoryMarshal.Read<uint>(s[136..]) << 32) | MemoryMarshal.Read<uint>(s[140..]);
        return (device, inode);
    }

    /// <summary>One line saying why <paramref name="path"/> cannot be read as an input file, or null when it can.</summary>
    public static string? RefuseAsInput(string path) => KindOf(path) switch
    {
        FileKind.Regular => null,
        FileKind.Missing => "file not found",
        FileKind.Directory => "is a folder, not a file",
        FileKind.Fifo => "is a pipe (FIFO), not a regular file",
        FileKind.CharacterDevice or FileKind.BlockDevice => "is a device, not a regular file",
        FileKind.Socket => "is a socket, not a regular file",
        _ => "is not a regular file",
    };
}
