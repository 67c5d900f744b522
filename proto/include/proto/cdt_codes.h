#pragma once
// The numbers of a CDT (list/map) op payload (wire-protocol.md §5.6): op codes as the
// server's cdt_op_table numbers them, context item types, return types and write flags.
// The client's encoders (cdt_ops.h) and the server's handlers (asd/base/cdt_*.cpp) both
// take them from here. These values go on the wire: never renumber them.

#include <cstdint>

namespace proto::cdt {

// List op codes (as_cdt_op_list), all below 64 (the server's IS_CDT_LIST_OP). Codes
// 32-40 remove what 19-27 get.
namespace list_op {
inline constexpr uint8_t kSetType = 0;
inline constexpr uint8_t kAppend = 1;
inline constexpr uint8_t kAppendItems = 2;
inline constexpr uint8_t kInsert = 3;
inline constexpr uint8_t kInsertItems = 4;
inline constexpr uint8_t kPop = 5;
inline constexpr uint8_t kPopRange = 6;
inline constexpr uint8_t kRemove = 7;
inline constexpr uint8_t kRemoveRange = 8;
inline constexpr uint8_t kSet = 9;
inline constexpr uint8_t kTrim = 10;
inline constexpr uint8_t kClear = 11;
inline constexpr uint8_t kIncrement = 12;
inline constexpr uint8_t kSort = 13;
inline constexpr uint8_t kSize = 16;
inline constexpr uint8_t kGet = 17;
inline constexpr uint8_t kGetRange = 18;
inline constexpr uint8_t kGetByIndex = 19;
inline constexpr uint8_t kGetByValue = 20;
inline constexpr uint8_t kGetByRank = 21;
inline constexpr uint8_t kGetAllByValue = 22;
inline constexpr uint8_t kGetAllByValueList = 23;
inline constexpr uint8_t kGetByIndexRange = 24;
inline constexpr uint8_t kGetByValueInterval = 25;
inline constexpr uint8_t kGetByRankRange = 26;
inline constexpr uint8_t kGetByValueRelRankRange = 27;
inline constexpr uint8_t kRemoveByIndex = 32;
inline constexpr uint8_t kRemoveByValue = 33;
inline constexpr uint8_t kRemoveByRank = 34;
inline constexpr uint8_t kRemoveAllByValue = 35;
inline constexpr uint8_t kRemoveAllByValueList = 36;
inline constexpr uint8_t kRemoveByIndexRange = 37;
inline constexpr uint8_t kRemoveByValueInterval = 38;
inline constexpr uint8_t kRemoveByRankRange = 39;
inline constexpr uint8_t kRemoveByValueRelRankRange = 40;
}  // namespace list_op

// Map op codes (as_cdt_op_map), from 64 up.
namespace map_op {
inline constexpr uint8_t kSetType = 64;
inline constexpr uint8_t kAdd = 65;
inline constexpr uint8_t kAddItems = 66;
inline constexpr uint8_t kPut = 67;
inline constexpr uint8_t kPutItems = 68;
inline constexpr uint8_t kReplace = 69;
inline constexpr uint8_t kReplaceItems = 70;
inline constexpr uint8_t kIncrement = 73;
inline constexpr uint8_t kDecrement = 74;
inline constexpr uint8_t kClear = 75;
inline constexpr uint8_t kRemoveByKey = 76;
inline constexpr uint8_t kRemoveByIndex = 77;
inline constexpr uint8_t kRemoveByValue = 78;
inline constexpr uint8_t kRemoveByRank = 79;
inline constexpr uint8_t kRemoveByKeyList = 81;
inline constexpr uint8_t kRemoveAllByValue = 82;
inline constexpr uint8_t kRemoveByValueList = 83;
inline constexpr uint8_t kRemoveByKeyInterval = 84;
inline constexpr uint8_t kRemoveByIndexRange = 85;
inline constexpr uint8_t kRemoveByValueInterval = 86;
inline constexpr uint8_t kRemoveByRankRange = 87;
inline constexpr uint8_t kRemoveByKeyRelIndexRange = 88;
inline constexpr uint8_t kRemoveByValueRelRankRange = 89;
inline constexpr uint8_t kSize = 96;
inline constexpr uint8_t kGetByKey = 97;
inline constexpr uint8_t kGetByIndex = 98;
inline constexpr uint8_t kGetByValue = 99;
inline constexpr uint8_t kGetByRank = 100;
inline constexpr uint8_t kGetAllByValue = 102;
inline constexpr uint8_t kGetByKeyInterval = 103;
inline constexpr uint8_t kGetByIndexRange = 104;
inline constexpr uint8_t kGetByValueInterval = 105;
inline constexpr uint8_t kGetByRankRange = 106;
inline constexpr uint8_t kGetByKeyList = 107;
inline constexpr uint8_t kGetByValueList = 108;
inline constexpr uint8_t kGetByKeyRelIndexRange = 109;
inline constexpr uint8_t kGetByValueRelRankRange = 110;
}  // namespace map_op

// The first element of [kContextEval, [ctx_type, ctx_value, ...], [op_code, args...]].
inline constexpr uint64_t kContextEval = 0xff;

// Path operations (server 8.1): [kSelect, [ctx_type, ctx_value, ...], flags] selects,
// [kSelect, context, flags | kApply, expression] rewrites every selected element.
inline constexpr uint64_t kSelect = 0xfe;

// The low nibble of a path operation's flags picks what it does; kNoFail is or'ed in.
namespace path_flag {
inline constexpr uint64_t kTree = 0;          // the matching tree, from the bin down
inline constexpr uint64_t kLeafValue = 1;     // a flat list of the selected values
inline constexpr uint64_t kLeafKey = 2;       // ... of the selected map keys
inline constexpr uint64_t kLeafKeyValue = 3;  // ... of key, value, key, value, ...
inline constexpr uint64_t kApply = 4;         // replace (or remove) each selected element
inline constexpr uint64_t kTypeMask = 0x0f;
inline constexpr uint64_t kNoFail = 0x10;     // unknown filters count as false
}  // namespace path_flag

// Context item types (as_cdt_ctx.h): a container bit or'ed with what selects the element,
// plus the creation bits of the *_create contexts.
namespace context {
inline constexpr uint64_t kCtxBaseMask = 0x0f;
inline constexpr uint64_t kCtxIndex = 0;
inline constexpr uint64_t kCtxRank = 1;
inline constexpr uint64_t kCtxKey = 2;
inline constexpr uint64_t kCtxValue = 3;
// Path operations only: every child (operand true) or those a filter expression accepts
// (operand: the expression), and the map entries whose key is in a list of keys.
inline constexpr uint64_t kCtxExp = 4;
inline constexpr uint64_t kCtxKeyList = 10;
inline constexpr uint64_t kCtxList = 0x10;
inline constexpr uint64_t kCtxMap = 0x20;
inline constexpr uint64_t kCtxCreateMask = 0x1c0;
inline constexpr uint64_t kCtxPersistIndex = 0x100;
// Or'ed with kCtxExp: a further filter on the element the previous item selects.
inline constexpr uint64_t kCtxAnd = 0x200;
// Creating a list: unordered, unordered with nil padding past the end, ordered. Creating a
// map: unordered, key-ordered (0x80), key-value-ordered (0xc0).
inline constexpr uint64_t kCreateUnordered = 0x40;
inline constexpr uint64_t kCreateUnbound = 0x80;
inline constexpr uint64_t kCreateOrdered = 0xc0;
}  // namespace context

// Return types: the low 16 bits of a result-type argument; or'ed with kInverted to select
// the complement.
namespace return_type {
inline constexpr uint64_t kNone = 0;
inline constexpr uint64_t kIndex = 1;
inline constexpr uint64_t kReverseIndex = 2;
inline constexpr uint64_t kRank = 3;
inline constexpr uint64_t kReverseRank = 4;
inline constexpr uint64_t kCount = 5;
inline constexpr uint64_t kKey = 6;
inline constexpr uint64_t kValue = 7;
inline constexpr uint64_t kKeyValue = 8;
inline constexpr uint64_t kIndexRange = 9;
inline constexpr uint64_t kReverseIndexRange = 10;
inline constexpr uint64_t kRankRange = 11;
inline constexpr uint64_t kReverseRankRange = 12;
inline constexpr uint64_t kExists = 13;
inline constexpr uint64_t kUnorderedMap = 16;
inline constexpr uint64_t kOrderedMap = 17;
inline constexpr uint64_t kInverted = 0x10000;
}  // namespace return_type

namespace list_write {
inline constexpr uint64_t kAddUnique = 1;
inline constexpr uint64_t kInsertBounded = 2;
inline constexpr uint64_t kNoFail = 4;
inline constexpr uint64_t kPartial = 8;
}  // namespace list_write

namespace map_write {
inline constexpr uint64_t kCreateOnly = 1;
inline constexpr uint64_t kUpdateOnly = 2;
inline constexpr uint64_t kNoFail = 4;
inline constexpr uint64_t kPartial = 8;
}  // namespace map_write

}  // namespace proto::cdt
