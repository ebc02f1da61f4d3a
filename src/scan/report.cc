// The scan reports' printers: text, JSON and SARIF 2.1.0 (the findings are data; these only
// format them).
#include <ostream>

#include "model/print.h"
#include "picklejar/scan.h"

namespace picklejar {
namespace {

std::string js(std::string_view s) {
  std::string out;
  internal::json_string(out, s);
  return out;
}

std::string qualified(const GlobalFinding& g) { return g.module + "." + g.name; }

std::string where(const std::string& part, uint64_t offset) {
  return (part.empty() ? "" : part + " ") + "offset " + std::to_string(offset);
}

const char* use_verb(const GlobalFinding& g) {
  switch (g.use) {
    case GlobalUse::kCall: return "called";
    case GlobalUse::kConstruct: return g.built ? "constructed, BUILD state set" : "constructed";
    case GlobalUse::kReference: break;
  }
  return "referenced";
}

std::string label(const GlobalFinding& g) {
  if (g.dangerous) return "DANGEROUS";
  return g.allowed ? "ok" : "NOT ALLOWED";
}

std::string display_path(const ScanReport& r) { return r.path.empty() ? "<memory>" : r.path; }

}  // namespace

void write_scan_text(std::span<const ScanReport> reports, std::ostream& out) {
  for (const ScanReport& r : reports) {
    out << display_path(r) << ": " << verdict_name(r.verdict) << "\n";
    for (const GlobalFinding& g : r.globals) {
      out << "  " << label(g) << " " << qualified(g) << " (" << use_verb(g) << "; " << g.opcode << " at "
          << where(g.part, g.offset) << ")\n";
      for (const std::string& c : g.calls) out << "      " << c << "\n";
      if (g.call_count > g.calls.size()) out << "      ... " << g.call_count << " calls in all\n";
    }
    for (const ScanIssue& i : r.issues) out << "  NOT ALLOWED " << i.message << " (at " << where(i.part, i.offset) << ")\n";
    if (!r.error.empty()) out << "  UNREADABLE at " << where(r.error_part, r.error_offset) << ": " << r.error << "\n";
  }
}

void write_scan_json(std::span<const ScanReport> reports, std::ostream& out) {
  out << "[";
  bool first_report = true;
  for (const ScanReport& r : reports) {
    out << (first_report ? "" : ",") << "\n  {\"path\": " << js(display_path(r)) << ", \"verdict\": "
        << js(verdict_name(r.verdict)) << ",\n   \"globals\": [";
    first_report = false;
    for (size_t i = 0; i < r.globals.size(); ++i) {
      const GlobalFinding& g = r.globals[i];
      out << (i ? "," : "") << "\n    {\"module\": " << js(g.module) << ", \"name\": " << js(g.name)
          << ", \"part\": " << js(g.part) << ", \"offset\": " << g.offset << ", \"opcode\": " << js(g.opcode)
          << ", \"use\": " << js(global_use_name(g.use)) << ", \"built\": " << (g.built ? "true" : "false")
          << ", \"allowed\": " << (g.allowed ? "true" : "false") << ", \"dangerous\": " << (g.dangerous ? "true" : "false")
          << ", \"call_count\": " << g.call_count << ", \"calls\": [";
      for (size_t k = 0; k < g.calls.size(); ++k) out << (k ? ", " : "") << js(g.calls[k]);
      out << "]}";
    }
    out << "],\n   \"issues\": [";
    for (size_t i = 0; i < r.issues.size(); ++i)
      out << (i ? ", " : "") << "{\"part\": " << js(r.issues[i].part) << ", \"offset\": " << r.issues[i].offset
          << ", \"message\": " << js(r.issues[i].message) << "}";
    out << "],\n   \"parts\": [";
    for (size_t i = 0; i < r.parts.size(); ++i) out << (i ? ", " : "") << js(r.parts[i]);
    out << "]";
    if (!r.error.empty())
      out << ",\n   \"error\": {\"part\": " << js(r.error_part) << ", \"offset\": " << r.error_offset
          << ", \"message\": " << js(r.error) << "}";
    out << "}";
  }
  out << (reports.empty() ? "]\n" : "\n]\n");
}

void write_scan_sarif(std::span<const ScanReport> reports, std::ostream& out) {
  out << "{\"version\": \"2.1.0\",\n \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
         " \"runs\": [{\"tool\": {\"driver\": {\"name\": \"picklejar\", \"informationUri\": "
         "\"https://example.invalid/picklejar\", \"rules\": [\n"
         "  {\"id\": \"dangerous-global\", \"shortDescription\": {\"text\": \"A known-dangerous global: loading "
         "the file in Python may run code\"}},\n"
         "  {\"id\": \"global-outside-policy\", \"shortDescription\": {\"text\": \"A global the policy does not "
         "allow for this use\"}},\n"
         "  {\"id\": \"call-of-non-global\", \"shortDescription\": {\"text\": \"A call of a value made by "
         "another call\"}},\n"
         "  {\"id\": \"unreadable\", \"shortDescription\": {\"text\": \"The file could not be read to the end; "
         "the scan fails closed\"}}]}},\n  \"results\": [";
  bool first = true;
  auto result = [&](const ScanReport& r, const char* rule, const char* level, const std::string& message,
                    const std::string& part, uint64_t offset) {
    out << (first ? "" : ",") << "\n   {\"ruleId\": \"" << rule << "\", \"level\": \"" << level
        << "\", \"message\": {\"text\": " << js(message) << "}, \"locations\": [{\"physicalLocation\": "
        << "{\"artifactLocation\": {\"uri\": " << js(display_path(r)) << "}, \"region\": {\"byteOffset\": " << offset
        << "}}" << (part.empty() ? "" : ", \"logicalLocations\": [{\"name\": " + js(part) + "}]") << "}]}";
    first = false;
  };
  for (const ScanReport& r : reports) {
    for (const GlobalFinding& g : r.globals) {
      if (g.allowed && !g.dangerous) continue;
      std::string text = qualified(g) + " is " + use_verb(g) + " (" + g.opcode + " at " + where(g.part, g.offset) + ")";
      if (g.dangerous) result(r, "dangerous-global", "error", text + ": known dangerous", g.part, g.offset);
      else result(r, "global-outside-policy", "error", text + ": outside the policy", g.part, g.offset);
    }
    for (const ScanIssue& i : r.issues) result(r, "call-of-non-global", "error", i.message, i.part, i.offset);
    if (!r.error.empty()) result(r, "unreadable", "warning", r.error, r.error_part, r.error_offset);
  }
  out << (first ? "]" : "\n  ]") << "}]}\n";
}

}  // namespace picklejar
