// Target conf_set: the parameters of a set-config info command (`context=..;id=..;
// key=value;...`), applied to a running configuration key by key as asd does
// (conf::apply_dynamic; asd/service/info_values.cpp), then the stanza read back as
// get-config prints it. This parser is on the network. Beyond not crashing: a refused
// key leaves the configuration unchanged.

#include <string>
#include <string_view>

#include "conf/loader.h"
#include "conf/render.h"
#include "fuzz.h"
#include "proto/info.h"

namespace {

// Every kind of stanza set-config can reach: service, logging sinks, both namespace
// storage engines with a set, and an XDR datacenter.
constexpr std::string_view kBase = R"(
service {
    cluster-name fuzz
    work-directory /tmp/fuzz-conf-set
}
logging {
    console {
        context any info
    }
    file /tmp/fuzz-conf-set/asd.log {
        context any warning
    }
}
network {
    service {
        port 3000
    }
    heartbeat {
        mode mesh
        port 3002
    }
    fabric {
        port 3001
    }
}
xdr {
    enable-xdr true
    xdr-digestlog-path /tmp/fuzz-conf-set/digestlog 64M
    datacenter DC2 {
        dc-node-address-port 127.0.0.1 3100
    }
}
namespace test {
    replication-factor 1
    memory-size 1G
    storage-engine memory
    enable-xdr true
    xdr-remote-datacenter DC2
    set demo {
        set-enable-xdr true
    }
}
namespace disk {
    replication-factor 1
    memory-size 1G
    storage-engine device {
        file /tmp/fuzz-conf-set/disk.dat
        filesize 64M
    }
}
)";

std::string param(std::string_view params, std::string_view key) {
  std::string_view value;
  return proto::find_info_param(params, key, &value) ? std::string(value) : std::string();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const conf::Config base = conf::parse_string(kBase, "base.conf");
  std::string_view params(reinterpret_cast<const char*>(data), size);
  std::string context = param(params, "context");
  std::string id = param(params, "id");
  conf::Config config = base;
  for (const auto& [key, value] : proto::parse_info_params(params)) {
    if (key == "context" || key == "id") continue;
    auto before = conf::render_context(config, context, id);
    if (!conf::apply_dynamic(config, context, id, key, value).empty()) {
      FUZZ_CHECK(conf::render_context(config, context, id) == before);
      break;  // asd applies all or nothing: the first refusal ends the command
    }
  }
  (void)conf::render_context(config, context, id);
  return 0;
}
