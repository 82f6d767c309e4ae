// Compile-only declarations of UnityEngine types used by the package (Unity's public signatures, no behaviour).
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
        public static void Destroy(Object obj) => throw new NotImplementedException();
        public static void DestroyImmediate(Object obj) => throw new NotImplementedException();
        public static implicit operator bool(Object exists) => throw new NotImplementedException();
        public static bool operator ==(Object x, Object y) => throw new NotImplementedException();
        public static bool operator !=(Object x, Object y) => throw new NotImplementedException();
    }

    public enum PrimitiveType { Sphere = 0, Capsule = 1, Cylinder = 2, Cube = 3, Plane = 4, Quad = 5 }

    public sealed class GameObject : Object
    {
        public Transform transform => throw new NotImplementedException();
        public static GameObject CreatePrimitive(PrimitiveType type) => throw new NotImplementedException();
        public T AddComponent<T>() where T : Component => throw new NotImplementedException();
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
        public T GetComponent<T>() => throw new NotImplementedException();
    }

    public class Behaviour : Component
    {
        public bool enabled { get; set; }
    }

    public class MonoBehaviour : Behaviour { }

    public class ScriptableObject : Object
    {
        public static T CreateInstance<T>() where T : ScriptableObject => throw new NotImplementedException();
    }

    public enum TextureFormat { Alpha8 = 1, ARGB4444 = 2, RGB24 = 3, RGBA32 = 4, ARGB32 = 5, RGBAHalf = 17, RGBAFloat = 20 }
    public enum TextureWrapMode { Repeat = 0, Clamp = 1, Mirror = 2, MirrorOnce = 3 }
    public enum FilterMode { Point = 0, Bilinear = 1, Trilinear = 2 }

    public class Texture : Object
    {
        public virtual int width { get => throw new NotImplementedException(); set => throw new NotImplementedException(); }
        public virtual int height { get => throw new NotImplementedException(); set => throw new NotImplementedException(); }
        public int mipmapCount => throw new NotImplementedException();
        public TextureWrapMode wrapMode { get; set; }
        public FilterMode filterMode { get; set; }
    }

    public sealed class Texture2D : Texture
    {
        public Texture2D(int width, int height, TextureFormat textureFormat, bool mipChain, bool linear) => throw new NotImplementedException();
        public void LoadRawTextureData(byte[] data) => throw new NotImplementedException();
        public void Apply(bool updateMipmaps = true, bool makeNoLongerReadable = false) => throw new NotImplementedException();
    }

    public class Material : Object
    {
        public Texture mainTexture { get; set; }
        public bool HasProperty(string name) => throw new NotImplementedException();
        public void SetTexture(string name, Texture value) => throw new NotImplementedException();
    }

    public class Renderer : Component
    {
        public Material material { get; set; }
        public Material sharedMaterial { get; set; }
    }

    public static class Debug
    {
        public static void Log(object message) => throw new NotImplementedException();
        public static void Log(object message, Object context) => throw new NotImplementedException();
        public static void LogWarning(object message) => throw new NotImplementedException();
        public static void LogWarning(object message, Object context) => throw new NotImplementedException();
        public static void LogError(object message) => throw new NotImplementedException();
        public static void LogError(object message, Object context) => throw new NotImplementedException();
        public static void LogException(Exception exception) => throw new NotImplementedException();
        public static void LogException(Exception exception, Object context) => throw new NotImplementedException();
    }

    public static class Application
    {
        public static string dataPath => throw new NotImplementedException();
        public static string streamingAssetsPath => throw new NotImplementedException();
        public static bool isPlaying => throw new NotImplementedException();
    }

    public static class Resources
    {
        public static T Load<T>(string path) where T : Object => throw new NotImplementedException();
    }

    public struct Vector2
    {
        public float x, y;
        public Vector2(float x, float y) { this.x = x; this.y = y; }
    }

    public struct Rect
    {
        public Rect(float x, float y, float width, float height) => throw new NotImplementedException();
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
