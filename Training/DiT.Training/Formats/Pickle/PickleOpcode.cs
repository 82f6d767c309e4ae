namespace DiT.Training.Formats.Pickle;

/// <summary>
/// Pickle opcodes (byte values from the pickle format, protocols 0-5). The machine implements the binary subset that
/// <c>torch.save</c> writes; the others are listed only so a refusal can name them.
/// </summary>
public enum PickleOpcode : byte
{
    // Implemented.
    Proto = 0x80, Frame = 0x95, Stop = (byte)'.', Mark = (byte)'(', Pop = (byte)'0', PopMark = (byte)'1', Dup = (byte)'2',
    None = (byte)'N', NewTrue = 0x88, NewFalse = 0x89,
    BinInt = (byte)'J', BinInt1 = (byte)'K', BinInt2 = (byte)'M', Long1 = 0x8a, Long4 = 0x8b, BinFloat = (byte)'G',
    BinUnicode = (byte)'X', ShortBinUnicode = 0x8c, BinUnicode8 = 0x8d, BinString = (byte)'T', ShortBinString = (byte)'U',
    BinBytes = (byte)'B', ShortBinBytes = (byte)'C', BinBytes8 = 0x8e,
    EmptyTuple = (byte)')', Tuple = (byte)'t', Tuple1 = 0x85, Tuple2 = 0x86, Tuple3 = 0x87,
    EmptyList = (byte)']', Append = (byte)'a', Appends = (byte)'e', List = (byte)'l',
    EmptyDict = (byte)'}', Dict = (byte)'d', SetItem = (byte)'s', SetItems = (byte)'u',
    EmptySet = 0x8f, AddItems = 0x90, FrozenSet = 0x91,
    BinPut = (byte)'q', LongBinPut = (byte)'r', Memoize = 0x94, BinGet = (byte)'h', LongBinGet = (byte)'j',
    Global = (byte)'c', StackGlobal = 0x93, Reduce = (byte)'R', Build = (byte)'b', NewObj = 0x81, BinPersId = (byte)'Q',

    // Refused: text-mode forms, arbitrary instantiation, the extension registry and out-of-band buffers.
    Int = (byte)'I', Long = (byte)'L', String = (byte)'S', Unicode = (byte)'V', Float = (byte)'F',
    Put = (byte)'p', Get = (byte)'g', PersId = (byte)'P', Inst = (byte)'i', Obj = (byte)'o',
    Ext1 = 0x82, Ext2 = 0x83, Ext4 = 0x84, NewObjEx = 0x92, ByteArray8 = 0x96, NextBuffer = 0x97, ReadOnlyBuffer = 0x98,
}
