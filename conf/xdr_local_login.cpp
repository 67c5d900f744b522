#include "conf/xdr_local_login.h"

namespace conf {

std::string xdr_local_login_path(const Config& config) {
    return config.service.work_directory + "/xdr-local.login";
}

bool uses_xdr_local_login(const Config& config) { return config.security.enabled && config.xdr.enable_xdr; }

}  // namespace conf
