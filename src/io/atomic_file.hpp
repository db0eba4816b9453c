// Crash-safe file replacement: write a temporary file in the same folder, flush and fsync it,
// rename it over the target, fsync the folder. A crash at any point leaves either the old file
// or the new one, never a torn file. Failures throw cnn::Error(kIo) and remove the temporary.
#pragma once

#include <string>

namespace cnn {

void write_file_atomically(const std::string& path, const std::string& bytes);

// Removes temporary files that a killed write_file_atomically left beside `path`
// (".<name>.tmp-XXXXXX"); returns how many.
int remove_stale_temporaries(const std::string& path);

// Creates the folder (and parents) if needed and proves it writable by writing and removing a
// probe file, so a run fails at start rather than at its first checkpoint.
void ensure_writable_folder(const std::string& dir);

}  // namespace cnn
