import CFalua
import CTransport

/// The version line of `falua -v` and `--version`.
enum Version {
  static let falua = "0.1.0"
  static var text: String {
    "falua \(falua) (\(String(cString: falua_lua_release())), libcurl \(String(cString: falua_curl_version())))"
  }
}
