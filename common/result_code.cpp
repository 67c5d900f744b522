#include "common/result_code.h"

namespace common {

std::string_view result_code_name(ResultCode code) {
  switch (code) {
    case ResultCode::Ok: return "ok";
    case ResultCode::ServerError: return "server error";
    case ResultCode::NotFound: return "record not found";
    case ResultCode::Generation: return "generation mismatch";
    case ResultCode::Parameter: return "parameter error";
    case ResultCode::RecordExists: return "record exists";
    case ResultCode::BinExists: return "bin exists";
    case ResultCode::ClusterKeyMismatch: return "cluster key mismatch";
    case ResultCode::OutOfSpace: return "out of space";
    case ResultCode::Timeout: return "timeout";
    case ResultCode::Unavailable: return "unavailable";
    case ResultCode::IncompatibleType: return "incompatible type";
    case ResultCode::RecordTooBig: return "record too big";
    case ResultCode::KeyBusy: return "key busy";
    case ResultCode::QueryAbort: return "query aborted";
    case ResultCode::UnsupportedFeature: return "unsupported feature";
    case ResultCode::BinNotFound: return "bin not found";
    case ResultCode::DeviceOverload: return "device overload";
    case ResultCode::KeyMismatch: return "key mismatch";
    case ResultCode::Namespace: return "namespace not found";
    case ResultCode::BinName: return "bad bin name";
    case ResultCode::Forbidden: return "forbidden";
    case ResultCode::ElementNotFound: return "element not found";
    case ResultCode::ElementExists: return "element exists";
    case ResultCode::EnterpriseOnly: return "enterprise only";
    case ResultCode::OpNotApplicable: return "op not applicable";
    case ResultCode::FilteredOut: return "filtered out";
    case ResultCode::LostConflict: return "lost conflict";
    case ResultCode::XdrKeyBusy: return "xdr key busy";
    case ResultCode::SecurityNotEnabled: return "security not enabled";
    case ResultCode::UdfExecution: return "udf execution error";
    case ResultCode::BatchDisabled: return "batch disabled";
    case ResultCode::BatchMaxRequests: return "batch max requests exceeded";
    case ResultCode::BatchQueuesFull: return "batch queues full";
    case ResultCode::GeoInvalidGeojson: return "invalid geojson";
    case ResultCode::SindexFound: return "index exists";
    case ResultCode::SindexNotFound: return "index not found";
    case ResultCode::SindexNotReadable: return "index not readable";
    case ResultCode::SindexMaxCount: return "too many indexes";
  }
  return "unknown";
}

}  // namespace common
