System.Console.WriteLine("dit");
