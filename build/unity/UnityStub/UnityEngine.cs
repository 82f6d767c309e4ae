// Declarations of the UnityEngine types the package uses, with Unity's public signatures. Bodies are trivial where a
// test drives the Runtime scripts without Unity (objects store what is set on them), and throw elsewhere.
using System;

namespace UnityEngine
{
    [Flags]
    public enum HideFlags
    {
        None = 0, HideInHierarchy = 1, HideInInspector = 2, DontSaveInEditor = 4, NotEditable = 8,
        DontSaveInBuild = 16, DontUnloadUnusedAsset = 32, DontSave = 52, HideAndDontSave = 61,
    }

    public class Object
    {
        public string name { get; set; }
        public HideFlags hideFlags { get; set; }
        public static void Destroy(Object obj) { }
        public static void DestroyImmediate(Object obj) { }
        public static implicit operator bool(Object exists) => !ReferenceEquals(exists, null);
        public static bool operator ==(Object x, Object y) => ReferenceEquals(x, y);
        public static bool operator !=(Object x, Object y) => !ReferenceEquals(x, y);
    }

    public enum PrimitiveType { Sphere = 0, Capsule = 1, Cylinder = 2, Cube = 3, Plane = 4, Quad = 5 }

    public sealed class GameObject : Object
    {
        public Transform transform => throw new NotImplementedException();
        public static GameObject CreatePrimitive(PrimitiveType type) => throw new NotImplementedException();
        public T AddComponent<T>() where T : Component => throw new NotImplementedException();
        public T GetComponent<T>() => throw new NotImplementedException();
    }

    public struct Vector3
    {
        public float x, y, z;
        public Vector3(float x, float y, float z) { this.x = x; this.y = y; this.z = z; }
    }

    public class Transform : Component
    {
        public Vector3 localPosition { get; set; }
        public void SetParent(Transform parent, bool worldPositionStays) => throw new NotImplementedException();
    }

    public class Component : Object
    {
        public GameObject gameObject => throw new NotImplementedException();
        public Transform transform => throw new NotImplementedException();
        public T GetComponent<T>() => default;
    }

    public class Behaviour : Component
    {
        public bool enabled { get; set; }
    }

    public class MonoBehaviour : Behaviour { }

    public class ScriptableObject : Object
    {
        public static T CreateInstance<T>() where T : ScriptableObject => Activator.CreateInstance<T>();
    }

    public enum TextureFormat { Alpha8 = 1, ARGB4444 = 2, RGB24 = 3, RGBA32 = 4, ARGB32 = 5, RGBAHalf = 17, RGBAFloat = 20 }
    public enum TextureWrapMode { Repeat = 0, Clamp = 1, Mirror = 2, MirrorOnce = 3 }
    public enum FilterMode { Point = 0, Bilinear = 1, Trilinear = 2 }

    public class Texture : Object
    {
        private protected int _width, _height, _mipmapCount = 1;
        public virtual int width { get => _width; set => throw new NotImplementedException(); }
        public virtual int height { get => _height; set => throw new NotImplementedException(); }
        public int mipmapCount => _mipmapCount;
        public TextureWrapMode wrapMode { get; set; }
        public FilterMode filterMode { get; set; }
    }

    public sealed class Texture2D : Texture
    {
        private byte[] _data = Array.Empty<byte>();
        private readonly TextureFormat _format;
        private readonly bool _linear;

        public Texture2D(int width, int height, TextureFormat textureFormat, bool mipChain, bool linear)
        {
            _width = width;
            _height = height;
            _format = textureFormat;
            _linear = linear;
            if (mipChain) for (int s = Math.Max(width, height); s > 1; s >>= 1) _mipmapCount++;
        }

        public TextureFormat format => _format;
        public bool isDataSRGB => !_linear;
        public Texture2D(int width, int height) : this(width, height, TextureFormat.RGBA32, true, false) { }

        public void LoadRawTextureData(byte[] data) => _data = (byte[])data.Clone();
        public Color32[] GetPixels32() => throw new NotImplementedException();
        public byte[] GetRawTextureData() => (byte[])_data.Clone();
        public void Apply(bool updateMipmaps = true, bool makeNoLongerReadable = false) { }
    }

    public class Material : Object
    {
        private readonly System.Collections.Generic.Dictionary<string, Texture> _textures = new System.Collections.Generic.Dictionary<string, Texture>();
        public Material(Material source) { }
        public Texture mainTexture { get => GetTexture("_MainTex"); set => SetTexture("_MainTex", value); }
        public bool HasProperty(string name) => true;
        public void SetTexture(string name, Texture value) => _textures[name] = value;
        public Texture GetTexture(string name) => _textures.TryGetValue(name, out var t) ? t : null;
    }

    public class Renderer : Component
    {
        public Material material { get; set; }
        public Material sharedMaterial { get; set; }
    }

    public static class Debug
    {
        public static void Log(object message) => Console.WriteLine(message);
        public static void Log(object message, Object context) => Console.WriteLine(message);
        public static void LogWarning(object message) => Console.WriteLine("warning: " + message);
        public static void LogWarning(object message, Object context) => Console.WriteLine("warning: " + message);
        public static void LogError(object message) => Console.WriteLine("error: " + message);
        public static void LogError(object message, Object context) => Console.WriteLine("error: " + message);
        public static void LogException(Exception exception) => Console.WriteLine("exception: " + exception);
        public static void LogException(Exception exception, Object context) => Console.WriteLine("exception: " + exception);
    }

    public static class Application
    {
        // Tests point these at a temporary project by reflection.
        private static string s_dataPath = "Assets", s_streamingAssetsPath = "Assets/StreamingAssets";
        public static string dataPath => s_dataPath;
        public static string streamingAssetsPath => s_streamingAssetsPath;
        private static bool s_isPlaying = true;
        public static bool isPlaying => s_isPlaying;
    }

    public static class Resources
    {
        public static T Load<T>(string path) where T : Object => null;
    }

    public struct Vector2
    {
        public float x, y;
        public Vector2(float x, float y) { this.x = x; this.y = y; }
    }

    public struct Rect
    {
        public Rect(float x, float y, float width, float height) => throw new NotImplementedException();
        public float x { get => throw new NotImplementedException(); set => throw new NotImplementedException(); }
        public float y { get => throw new NotImplementedException(); set => throw new NotImplementedException(); }
        public float width { get => throw new NotImplementedException(); set => throw new NotImplementedException(); }
        public float height { get => throw new NotImplementedException(); set => throw new NotImplementedException(); }
        public bool Contains(Vector2 point) => throw new NotImplementedException();
    }

    public struct Color32
    {
        public byte r, g, b, a;
        public Color32(byte r, byte g, byte b, byte a) { this.r = r; this.g = g; this.b = b; this.a = a; }
    }

    public static class ImageConversion
    {
        public static bool LoadImage(Texture2D tex, byte[] data) => throw new NotImplementedException();
    }

    public enum EventType { MouseDown = 0, MouseUp = 1, MouseMove = 2, MouseDrag = 3, KeyDown = 4, KeyUp = 5, ScrollWheel = 6, Repaint = 7, Layout = 8 }

    public sealed class Event
    {
        public static Event current { get => throw new NotImplementedException(); set => throw new NotImplementedException(); }
        public EventType type { get => throw new NotImplementedException(); set => throw new NotImplementedException(); }
        public Vector2 mousePosition { get => throw new NotImplementedException(); set => throw new NotImplementedException(); }
        public bool shift { get => throw new NotImplementedException(); set => throw new NotImplementedException(); }
        public void Use() => throw new NotImplementedException();
    }

    public class GUIContent
    {
        public GUIContent(string text) => throw new NotImplementedException();
        public GUIContent(string text, string tooltip) => throw new NotImplementedException();
    }

    public class GUIStyle { }

    public sealed class GUILayoutOption { }

    public class GUI
    {
        public static bool enabled { get; set; }
    }

    public class GUILayout
    {
        public static bool Button(string text, params GUILayoutOption[] options) => throw new NotImplementedException();
        public static bool Button(GUIContent content, params GUILayoutOption[] options) => throw new NotImplementedException();
        public static bool Button(string text, GUIStyle style, params GUILayoutOption[] options) => throw new NotImplementedException();
        public static bool Toggle(bool value, string text, GUIStyle style, params GUILayoutOption[] options) => throw new NotImplementedException();
        public static GUILayoutOption Width(float width) => throw new NotImplementedException();
        public static GUILayoutOption Height(float height) => throw new NotImplementedException();
        public static GUILayoutOption ExpandWidth(bool expand) => throw new NotImplementedException();
    }

    public class GUILayoutUtility
    {
        public static Rect GetRect(float width, float height, params GUILayoutOption[] options) => throw new NotImplementedException();
    }

    // Attributes
    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public abstract class PropertyAttribute : Attribute { }

    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public sealed class SerializeField : Attribute { }

    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public class TooltipAttribute : PropertyAttribute
    {
        public readonly string tooltip;
        public TooltipAttribute(string tooltip) => this.tooltip = tooltip;
    }

    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public sealed class RangeAttribute : PropertyAttribute
    {
        public readonly float min, max;
        public RangeAttribute(float min, float max) { this.min = min; this.max = max; }
    }

    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public sealed class MinAttribute : PropertyAttribute
    {
        public readonly float min;
        public MinAttribute(float min) => this.min = min;
    }

    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = true)]
    public class HeaderAttribute : PropertyAttribute
    {
        public readonly string header;
        public HeaderAttribute(string header) => this.header = header;
    }

    [AttributeUsage(AttributeTargets.Class, Inherited = false)]
    public sealed class CreateAssetMenuAttribute : Attribute
    {
        public string menuName { get; set; }
        public string fileName { get; set; }
        public int order { get; set; }
    }

    [AttributeUsage(AttributeTargets.Class, Inherited = false)]
    public sealed class AddComponentMenu : Attribute
    {
        public AddComponentMenu(string menuName) { }
    }

    [AttributeUsage(AttributeTargets.Class, Inherited = false)]
    public sealed class DisallowMultipleComponent : Attribute { }
}

namespace UnityEngine.Serialization
{
    using System;

    /// <summary>Unity reads a field saved under an older name into the renamed field (scenes and prefabs keep their values).</summary>
    [AttributeUsage(AttributeTargets.Field, AllowMultiple = true, Inherited = false)]
    public class FormerlySerializedAsAttribute : Attribute
    {
        public FormerlySerializedAsAttribute(string oldName) => this.oldName = oldName;
        public string oldName { get; }
    }
}
