import CTransport
import Glibc

/// Feeds curl a request body from a file region, a piece at a time (CURLOPT_READFUNCTION).
final class BodyFileReader {
  private let file: UnsafeMutablePointer<FILE>
  private var remaining: Int

  /// Opens `region`; nil when the file cannot be opened or positioned.
  init?(_ region: HTTPBodyFile) {
    guard region.offset >= 0, region.length >= 0, let file = fopen(region.path, "rb") else { return nil }
    guard fseeko(file, off_t(region.offset), SEEK_SET) == 0 else {
      fclose(file)
      return nil
    }
    self.file = file
    remaining = region.length
  }

  deinit { fclose(file) }

  /// Fills `buffer`; returns the bytes written, or CURL_READFUNC_ABORT when the file is shorter than promised.
  func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
    let wanted = min(capacity, remaining)
    guard wanted > 0 else { return 0 }
    let count = fread(buffer, 1, wanted, file)
    guard count > 0 else { return Int(CURL_READFUNC_ABORT) }
    remaining -= count
    return count
  }
}

extension Transfer {
  /// Sets up a POST-style upload of `region` (the caller sets a custom method); returns the first failure.
  func configureBody(from region: HTTPBodyFile) -> CURLcode {
    guard let reader = BodyFileReader(region) else { return CURLE_READ_ERROR }
    bodyReader = reader
    var code = falua_easy_setopt_long(easy, CURLOPT_POST, 1)
    func set(_ result: CURLcode) { if code == CURLE_OK { code = result } }
    set(falua_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(region.length)))
    set(falua_easy_setopt_write_callback(easy, CURLOPT_READFUNCTION, bodyFileReadCallback))
    set(falua_easy_setopt_pointer(easy, CURLOPT_READDATA, Unmanaged.passUnretained(reader).toOpaque()))
    return code
  }
}

/// CURLOPT_READFUNCTION (same C signature as a write callback): `context` is the unretained reader.
let bodyFileReadCallback: curl_write_callback = { buffer, size, count, context in
  let reader = Unmanaged<BodyFileReader>.fromOpaque(context!).takeUnretainedValue()
  return reader.read(into: buffer!, capacity: size * count)
}
