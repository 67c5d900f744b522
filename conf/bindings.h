// Private: which struct member each table key is stored in.
//
// The table (key_table.cpp) says what a key is; a binding says where its value lives. Keys
// whose storage is not a single member (logging `context`, the `storage-engine device` block)
// are handled by the parser itself and have no binding.
//
// Instantiated for Service, Endpoint, Heartbeat, Namespace, DeviceStorage, SetConfig, Xdr,
// XdrDc, ModLua, Security and SecurityLog.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "conf/config.h"
#include "conf/key_table.h"
#include "values.h"

namespace conf {

// Stores `value` (already parsed and range-checked for `spec`) in `obj`. Repeatable keys
// append. Returns "" or a message (e.g. `single-bin true` is not supported).
template <class T>
std::string assign(T& obj, const KeySpec& spec, const Value& value, std::string_view where);

// The member's value as get-config prints it; nullopt if `spec` has no binding in T.
template <class T>
std::optional<std::string> render_member(const T& obj, const KeySpec& spec);

// Sets every member of `obj` that has a table default in `context`.
template <class T>
void apply_defaults(T& obj, std::string_view context);

// Whether `spec` is stored through a binding (every non-stanza key outside logging is).
bool has_binding(const KeySpec& spec);

}  // namespace conf
