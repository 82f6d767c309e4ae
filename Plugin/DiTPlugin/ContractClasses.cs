// The class resolver (ClassCatalog, ClassResolution, ImageNetClasses, ...) is the Contract's, so that Training's CLI
// resolves names as the Plugin does. Its types are part of the Plugin's own API (DiT.Catalog, DiT.ResolveClass) and
// of the manifest checks, so the whole assembly sees them.
global using DiTPlugin.Contract.Classes;
