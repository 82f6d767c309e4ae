using System;

namespace DiTPlugin.Samples.DemoScene
{
    /// <summary>Placeholder entry point: the lead replaces it with the demo's scene logic.</summary>
    public static class Program
    {
        public static int Main()
        {
            Console.WriteLine("placeholder");
            return 0;
        }
    }
}
