using System;
using System.IO;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// The last line of the promise that a bad package surfaces only as <see cref="ModelPackageException"/>: whatever
    /// the specific checks missed (an OS error, a runtime error on hostile input) is wrapped, naming the package and
    /// the original exception. "unexpected" in such a message marks a case no check anticipated (the fuzz tests look
    /// for it).
    /// </summary>
    internal static class PackageErrors
    {
        public static T Guard<T>(string file, Func<T> work)
        {
            try { return work(); }
            catch (ModelPackageException) { throw; }
            catch (OperationCanceledException) { throw; }
            catch (LoadReporter.CallbackException) { throw; }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new ModelPackageException(file, $"cannot be read: {e.Message}", e);
            }
            catch (Exception e) when (e is InvalidDataException || e is NotSupportedException)
            {
                throw new ModelPackageException(file, $"cannot be read: {e.Message}", e);
            }
            catch (OutOfMemoryException e)
            {
                throw new ModelPackageException(file, "there was not enough memory to load the package.", e);
            }
            catch (Exception e)
            {
                throw new ModelPackageException(file, $"could not be loaded (unexpected {e.GetType().Name}: {e.Message}).", e);
            }
        }
    }
}
