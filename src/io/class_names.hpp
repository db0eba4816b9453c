// Class-name files: one name per line, in label order (label 0 on the first line). Used for
// `data.class_names: FILE` of IDX data sets and CIFAR-10's batches.meta.txt.
//
// Untrusted input: a regular file of at most 1 MiB; "\r\n" and trailing spaces are trimmed, blank
// lines at the end are ignored, a blank line before the last name and a name with a control
// character are kData errors naming the file and line (io/data_description.hpp check_class_name).
#pragma once

#include <string>
#include <vector>

namespace cnn {

std::vector<std::string> read_class_names_file(const std::string& path);
// The same rules on text already in memory; `name` stands for the file in messages.
std::vector<std::string> parse_class_names(const std::string& text, const std::string& name);

}  // namespace cnn
