// NUL-terminated UTF-8 constants. AS string literals are UTF-16 managed objects, so static text is
// spelled as bytes (generated once with node; regenerate rather than hand-edit).

export const S_NULL: usize = memory.data<u8>([110, 117, 108, 108, 0]);
export const S_NULL_LEN: usize = 4;
export const S_TRUE: usize = memory.data<u8>([116, 114, 117, 101, 0]);
export const S_TRUE_LEN: usize = 4;
export const S_FALSE: usize = memory.data<u8>([102, 97, 108, 115, 101, 0]);
export const S_FALSE_LEN: usize = 5;
export const S_OOM: usize = memory.data<u8>([111, 117, 116, 32, 111, 102, 32, 109, 101, 109, 111, 114, 121, 0]);
export const S_OOM_LEN: usize = 13;
export const S_CONFLICT: usize = memory.data<u8>([111, 98, 106, 101, 99, 116, 32, 105, 110, 115, 101, 114, 116, 32, 99, 111, 110, 102, 108, 105, 99, 116, 0]);
export const S_CONFLICT_LEN: usize = 22;
export const S_BADINPUT: usize = memory.data<u8>([105, 110, 118, 97, 108, 105, 100, 32, 105, 110, 112, 117, 116, 32, 106, 115, 111, 110, 0]);
export const S_BADINPUT_LEN: usize = 18;
export const S_INTERNAL: usize = memory.data<u8>([105, 110, 116, 101, 114, 110, 97, 108, 32, 101, 114, 114, 111, 114, 0]);
export const S_INTERNAL_LEN: usize = 14;
export const S_T_BOOLEAN: usize = memory.data<u8>([98, 111, 111, 108, 101, 97, 110, 0]);
export const S_T_BOOLEAN_LEN: usize = 7;
export const S_T_NUMBER: usize = memory.data<u8>([110, 117, 109, 98, 101, 114, 0]);
export const S_T_NUMBER_LEN: usize = 6;
export const S_T_STRING: usize = memory.data<u8>([115, 116, 114, 105, 110, 103, 0]);
export const S_T_STRING_LEN: usize = 6;
export const S_T_ARRAY: usize = memory.data<u8>([97, 114, 114, 97, 121, 0]);
export const S_T_ARRAY_LEN: usize = 5;
export const S_T_OBJECT: usize = memory.data<u8>([111, 98, 106, 101, 99, 116, 0]);
export const S_T_OBJECT_LEN: usize = 6;
export const S_T_SET: usize = memory.data<u8>([115, 101, 116, 0]);
export const S_T_SET_LEN: usize = 3;
export const S_SET_EMPTY: usize = memory.data<u8>([115, 101, 116, 40, 41, 0]);
export const S_SET_EMPTY_LEN: usize = 5;
export const S_DOT: usize = memory.data<u8>([46, 0]);
export const S_DOT_LEN: usize = 1;
