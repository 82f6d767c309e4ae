// Compile-only declarations of the UnityEditor types the package uses (Unity's public signatures; bodies throw).
using System;
using UnityEngine;
using Object = UnityEngine.Object;

namespace UnityEditor
{
    public class EditorWindow : ScriptableObject
    {
        public Vector2 minSize { get; set; }
        public static T GetWindow<T>(string title) where T : EditorWindow => throw new NotImplementedException();
        public void Show() => throw new NotImplementedException();
        public void Repaint() => throw new NotImplementedException();
    }

    public class Editor : ScriptableObject
    {
        public Object target { get; set; }
        public virtual void OnInspectorGUI() => throw new NotImplementedException();
        public bool DrawDefaultInspector() => throw new NotImplementedException();
        public void Repaint() => throw new NotImplementedException();
    }

    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
    public sealed class CustomEditor : Attribute
    {
        public CustomEditor(Type inspectedType) { }
    }

    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
    public sealed class MenuItem : Attribute
    {
        public MenuItem(string itemName) { }
    }

    public sealed class EditorApplication
    {
        public delegate void CallbackFunction();
        public static CallbackFunction update;
    }

    public enum MessageType { None = 0, Info = 1, Warning = 2, Error = 3 }

    public sealed class EditorStyles
    {
        public static GUIStyle boldLabel => throw new NotImplementedException();
        public static GUIStyle miniButton => throw new NotImplementedException();
        public static GUIStyle miniButtonLeft => throw new NotImplementedException();
        public static GUIStyle miniButtonRight => throw new NotImplementedException();
        public static GUIStyle wordWrappedLabel => throw new NotImplementedException();
    }

    public sealed class EditorGUILayout
    {
        public static Vector2 BeginScrollView(Vector2 scrollPosition, params GUILayoutOption[] options) => throw new NotImplementedException();
        public static void EndScrollView() => throw new NotImplementedException();
        public static Rect BeginHorizontal(params GUILayoutOption[] options) => throw new NotImplementedException();
        public static void EndHorizontal() => throw new NotImplementedException();
        public static void Space() => throw new NotImplementedException();
        public static void LabelField(string label, params GUILayoutOption[] options) => throw new NotImplementedException();
        public static void LabelField(string label, GUIStyle style, params GUILayoutOption[] options) => throw new NotImplementedException();
        public static void LabelField(string label, string label2, params GUILayoutOption[] options) => throw new NotImplementedException();
        public static void LabelField(string label, string label2, GUIStyle style, params GUILayoutOption[] options) => throw new NotImplementedException();
        public static void HelpBox(string message, MessageType type) => throw new NotImplementedException();
        public static bool Foldout(bool foldout, string content) => throw new NotImplementedException();
        public static Object ObjectField(string label, Object obj, Type objType, bool allowSceneObjects, params GUILayoutOption[] options) => throw new NotImplementedException();
        public static string TextField(string label, string text, params GUILayoutOption[] options) => throw new NotImplementedException();
        public static string TextField(GUIContent label, string text, params GUILayoutOption[] options) => throw new NotImplementedException();
        public static long LongField(string label, long value, params GUILayoutOption[] options) => throw new NotImplementedException();
        public static int IntSlider(string label, int value, int leftValue, int rightValue, params GUILayoutOption[] options) => throw new NotImplementedException();
        public static int IntSlider(GUIContent label, int value, int leftValue, int rightValue, params GUILayoutOption[] options) => throw new NotImplementedException();
        public static float Slider(string label, float value, float leftValue, float rightValue, params GUILayoutOption[] options) => throw new NotImplementedException();
        public static float Slider(GUIContent label, float value, float leftValue, float rightValue, params GUILayoutOption[] options) => throw new NotImplementedException();
        public static bool Toggle(string label, bool value, params GUILayoutOption[] options) => throw new NotImplementedException();
        public static Enum EnumPopup(string label, Enum selected, params GUILayoutOption[] options) => throw new NotImplementedException();
        public static bool Toggle(GUIContent label, bool value, params GUILayoutOption[] options) => throw new NotImplementedException();
    }

    public sealed class EditorGUI
    {
        public static void ProgressBar(Rect position, float value, string text) => throw new NotImplementedException();
        public static void DrawPreviewTexture(Rect position, Texture image) => throw new NotImplementedException();
        public static void BeginChangeCheck() => throw new NotImplementedException();
        public static bool EndChangeCheck() => throw new NotImplementedException();
    }

    public sealed class EditorGUIUtility
    {
        public static void PingObject(Object obj) => throw new NotImplementedException();
    }

    public sealed class EditorUtility
    {
        public static string OpenFilePanel(string title, string directory, string extension) => throw new NotImplementedException();
        public static string OpenFolderPanel(string title, string folder, string defaultName) => throw new NotImplementedException();
        public static bool DisplayDialog(string title, string message, string ok) => throw new NotImplementedException();
        public static bool DisplayCancelableProgressBar(string title, string info, float progress) => throw new NotImplementedException();
        public static void ClearProgressBar() => throw new NotImplementedException();
        public static void SetDirty(Object target) => throw new NotImplementedException();
    }

    public sealed class Selection
    {
        public static GameObject activeGameObject { get => throw new NotImplementedException(); set => throw new NotImplementedException(); }
        public static Object activeObject { get => throw new NotImplementedException(); set => throw new NotImplementedException(); }
    }

    public sealed class MenuCommand
    {
        public Object context;
        public int userData;
        public MenuCommand(Object inContext) { context = inContext; }
    }

    public class Undo
    {
        public static void RecordObject(Object objectToUndo, string name) => throw new NotImplementedException();
    }

    [Flags]
    public enum ImportAssetOptions
    {
        Default = 0, ForceUpdate = 1, ForceSynchronousImport = 8, ImportRecursive = 256,
        DontDownloadFromCacheServer = 8192, ForceUncompressedImport = 16384,
    }

    public sealed class AssetDatabase
    {
        public static void ImportAsset(string path, ImportAssetOptions options) => throw new NotImplementedException();
        public static void Refresh() => throw new NotImplementedException();
        public static bool IsValidFolder(string path) => throw new NotImplementedException();
        public static T LoadAssetAtPath<T>(string assetPath) where T : Object => throw new NotImplementedException();
        public static string GetAssetPath(Object assetObject) => throw new NotImplementedException();
        public static string[] GetDependencies(string[] pathNames, bool recursive) => throw new NotImplementedException();
        public static string[] FindAssets(string filter) => throw new NotImplementedException();
        public static string GUIDToAssetPath(string guid) => throw new NotImplementedException();
    }

    public class EditorBuildSettingsScene
    {
        public bool enabled { get; set; }
        public string path { get; set; } = "";
    }

    public class EditorBuildSettings
    {
        public static EditorBuildSettingsScene[] scenes { get; set; } = Array.Empty<EditorBuildSettingsScene>();
    }

    public class AssetImporter : Object
    {
        public static AssetImporter GetAtPath(string path) => throw new NotImplementedException();
        public void SaveAndReimport() => throw new NotImplementedException();
    }

    public enum TextureImporterType { Default = 0, NormalMap = 1 }

    public sealed class TextureImporter : AssetImporter
    {
        public TextureImporterType textureType { get; set; }
        public bool sRGBTexture { get; set; }
        public bool mipmapEnabled { get; set; }
        public TextureWrapMode wrapMode { get; set; }
    }
}

namespace UnityEditor.Build
{
    public interface IOrderedCallback
    {
        int callbackOrder { get; }
    }

    public interface IPreprocessBuildWithReport : IOrderedCallback
    {
        void OnPreprocessBuild(UnityEditor.Build.Reporting.BuildReport report);
    }

    public class BuildFailedException : Exception
    {
        public BuildFailedException(string message) : base(message) { }
        public BuildFailedException(Exception innerException) : base(null, innerException) { }
    }
}

namespace UnityEditor.Build.Reporting
{
    public sealed class BuildReport : Object { }
}
