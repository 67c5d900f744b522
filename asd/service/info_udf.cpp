// udf-put, udf-get, udf-list and udf-remove (wire-protocol §10.1), answered as the real
// server's udf_cask does: errors are `error=<reason>`, a compile error adds the file, the
// line and the base64 of the compiler's message. A module accepted here goes to every
// other member at once (the metadata store publishes it), and to any node joining later.

#include <charconv>

#include "common/base64.h"
#include "common/log.h"
#include "proto/info.h"
#include "service/info_values.h"
#include "service/node_context.h"
#include "smd/metadata_store.h"
#include "udf/udf_modules.h"

namespace asd {

namespace {

bool param(const proto::InfoCommand& cmd, std::string_view key, std::string_view* value) {
  return proto::find_info_param(cmd.params, key, value);
}

bool parse_u32(std::string_view text, uint32_t* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

std::string udf_put_value(NodeContext& node, const proto::InfoCommand& cmd) {
  std::string_view filename, content_len, udf_type, content;
  if (!param(cmd, "filename", &filename) || !udf::valid_module_filename(filename)) return "error=invalid_filename";
  if (!param(cmd, "content-len", &content_len)) return "error=invalid_content_len";
  if (param(cmd, "udf-type", &udf_type) && udf_type != "LUA") return "error=invalid_udf_type";
  uint32_t len = 0;
  if (!parse_u32(content_len, &len) || len % 4 != 0) return "error=invalid_content_len";
  if (!param(cmd, "content", &content) || content.size() != len) return "error=invalid_content";
  std::optional<std::string> decoded = common::base64_decode(content);
  if (!decoded) return "error=invalid_base64_content";
  auto put = node.udf_modules().put(filename, std::move(*decoded));
  if (!put.ok()) {
    common::logger("udf")->warn("udf-put {} not stored: {}", filename, put.error().message);
    return "error=internal_error";
  }
  if (put->refused) {
    const udf::PutError& e = *put->refused;
    if (e.error != "compile_error") return "error=" + e.error;
    common::logger("udf")->info("udf-put {} refused: compile error at line {}: {}", filename, e.line, e.message);
    return "error=compile_error;file=" + e.file + ";line=" + std::to_string(e.line) +
           ";message=" + common::base64_encode(e.message);
  }
  common::logger("udf")->info("UDF module {}/{} registered", node.udf_modules().user_path(), filename);
  return "ok";
}

std::string udf_get_value(NodeContext& node, const proto::InfoCommand& cmd) {
  std::string_view filename;
  if (!param(cmd, "filename", &filename)) return "error=invalid_filename";
  std::optional<std::string> content = node.udf_modules().content(filename);
  if (!content) return "error=not_found";
  return "type=LUA;content=" + common::base64_encode(*content) + ";";
}

std::string udf_list_value(NodeContext& node) {
  std::string out;
  for (const udf::ModuleInfo& m : node.udf_modules().list()) {
    out += "filename=" + m.filename + ",hash=" + m.sha1_hex + ",type=LUA;";
  }
  return out;
}

std::string udf_remove_value(NodeContext& node, const proto::InfoCommand& cmd) {
  std::string_view filename;
  if (!param(cmd, "filename", &filename)) return "error=invalid_filename";
  auto removed = node.udf_modules().remove(filename);
  if (!removed.ok()) {
    common::logger("udf")->warn("udf-remove {} failed: {}", filename, removed.error().message);
    return "error=internal_error";
  }
  if (*removed) {
    common::logger("udf")->info("UDF module {}/{} removed", node.udf_modules().user_path(), filename);
  }
  return "ok";
}

}  // namespace asd
