using System;
using System.IO;

namespace DiT.Cli;

/// <summary>One line for an error that is the user's to fix.</summary>
internal static class CliErrors
{
    private const int ENOSPC = 28;

    public static string Describe(Exception e)
    {
        // .NET appends " (Parameter 'x')" to argument errors; x is an internal name that means nothing to the user.
        string message = e is ArgumentException a && a.ParamName is { } p ? a.Message.Replace($" (Parameter '{p}')", "") : e.Message;
        if (e is IOException && (e.HResult & 0xFFFF) == ENOSPC) message = "the disk is full: " + message;
        return message;
    }
}
