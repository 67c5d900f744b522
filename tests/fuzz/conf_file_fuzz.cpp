// Target conf_file: configuration text (conf::parse_string, what load_file runs on the
// file's bytes), then every stanza of an accepted configuration rendered as get-config
// prints it. Beyond not crashing: the only exception is ConfigError.

#include <string>
#include <string_view>

#include "conf/config_error.h"
#include "conf/loader.h"
#include "conf/render.h"
#include "fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  conf::Config config;
  try {
    config = conf::parse_string(text, "fuzz.conf");
  } catch (const conf::ConfigError&) {
    return 0;  // any other exception escapes: libFuzzer reports it as a crash
  }
  for (const char* context : {"service", "network", "logging", "xdr", "mod-lua"})
    (void)conf::render_context(config, context, "");
  for (const conf::Namespace& ns : config.namespaces) (void)conf::render_context(config, "namespace", ns.name);
  for (const conf::XdrDc& dc : config.xdr.datacenters) (void)conf::render_context(config, "xdr", dc.name);
  return 0;
}
