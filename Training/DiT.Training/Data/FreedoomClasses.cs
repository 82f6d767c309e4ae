using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace DiT.Training.Data;

/// <summary>
/// Material classes of the Freedoom textures, from their names (docs/datasets/freedoom.md has the rules and counts).
/// Doom texture names are 8-character codes whose stems name the material (BRICK7, ROCK3, METAL2, WOOD5, MARBLE1);
/// Freedoom keeps the id names and adds its own families (A-… and AQ… walls). The rules are tried in order and the
/// first that matches wins; names matching an exclusion (pictures rather than materials: skies, switches, signs,
/// faces, doors; animation frames of lights) or no rule are not used.
/// </summary>
public static class FreedoomClasses
{
    /// <summary>Pictures, not surface materials: never a class.</summary>
    public static readonly Regex Excluded = new(
        "^(SKY|P-SKY|T-SKY|F_SKY|SW1|SW2|DUMMY|PDUMMY|EXIT|DLEVSIGN|PNK4EXIT|MURAL|BIGMURAL|PLANET|ZZZFACE|ZZWOLF|MARBFAC|SP_DUDE|SP_FACE|SKINFACE|" +
        "GSTFONT|GSTLION|GSTGARG|GSTSATYR|STONGARG|WOODGARG|WOODSKUL|SKULWAL|SW1|DOOR|BIGDOOR|SPCDOOR|EXITDOOR|AQDOOR|ZDOOR|ZELDOOR|TNTDOOR|" +
        "M_RDOOR|M_YDOOR|METALDR|DRFRONT|DRSIDE|DRTOP|ICKDOOR|DOC1|DISASTER|LITE|TLITE|AQLITE|GRNLITE|TEKLITE|BRICKLIT|CRATELIT)",
        RegexOptions.CultureInvariant);

    /// <summary>(class, name pattern) in order: the first match wins.</summary>
    public static readonly IReadOnlyList<(string Class, Regex Pattern)> Rules = new (string, string)[]
    {
        ("brick", "^(BRICK|BIGBRIK|AQBRIK|BRNSMAL|BRNBIG|A-(BRICK|BRBK|BRBRK|DBRI|PBRIK|PBRK|MOSBRI|MOSBK))"),
        ("rock", "^(ROCK|AROCK|TANROCK|SP_ROCK|CAVERN|ASHWALL|ROCKRED|RROCK|GRNROCK|A-(ROCK|BROCK|BROK|DROCK|REDROK|MOSROK|MOSRK))"),
        ("stone_blocks", "^(STONE|GSTONE|BSTONE|SMSTONE|STONEW|GSTVINE|STWALL|MARB|A-MARBLE)"),
        ("metal", "^(METAL|AQMETL|SUPPORT|AQSUPP|SILVER|BRONZE|YELMETAL|AQRUST|BTNT|TYIRON|PLAT|CRATOP|AQTRIM)"),
        ("tech", "^(COMP|TEKWALL|TEKGREN|TEKBRON|AQCOMP|SPACEW|M_TEC|CONS1|STARTAN|STARG|STARBR|SHAWN|AQPANL)"),
        ("wood", "^(WOOD|A-WOOD|A-MYWOOD|PANEL|CRATE|CRATWIDE)"),
        ("concrete", "^(CEMENT|AQCONC|A-CONCTE|STUCCO|GRAY|BROWN|A-BROWN)"),
        ("flesh", "^(SKIN|SKSNAKE|SKSPINE|SLOPPY|A-ASKIN|BLODGR|BLODRIP)"),
        ("liquid", "^(NUKAGE|FWATER|SWATER|LAVA|BLOOD[0-9])"),
        ("floor_tiles", "^(FLOOR|FLAT|CEIL|MFLR|SFLR|GATE)"),
    }.Select(r => (r.Item1, new Regex(r.Item2, RegexOptions.CultureInvariant))).ToList();

    public static IReadOnlyList<string> Names => Rules.Select(r => r.Class).ToList();

    /// <summary>The class of a texture name, or null (excluded or matched by no rule).</summary>
    public static string? Of(string textureName)
    {
        string name = textureName.ToUpperInvariant();
        if (Excluded.IsMatch(name)) return null;
        foreach (var (cls, pattern) in Rules)
            if (pattern.IsMatch(name)) return cls;
        return null;
    }
}
