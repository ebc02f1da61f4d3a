// The walk behind torch paths (paths.h): entries kept as their last part and their parent's
// entry, so the walk costs the document's size; a path is built only for a leaf that is wanted.
#include "torch/paths.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "model/print.h"
#include "model/value_access.h"

namespace picklejar::internal {
namespace {

// A key as a path part: a str as it is, an int in decimal; anything else is "?" (unnamed).
std::string path_part(const DocumentImpl& d, uint32_t key, bool& named) {
  const Node& n = d.node(key);
  if (n.kind == Kind::kStr || n.kind == Kind::kBytes) return std::string(payload_text(n));
  if (n.kind == Kind::kInt && !(n.flags & kFlagBigInt)) return std::to_string(n.u.i);
  named = false;
  return "?";
}

}  // namespace

void walk_torch_paths(const DocumentImpl& d, uint32_t root, const std::function<bool(uint32_t id)>& want,
                      const std::function<void(TorchLeaf&& leaf)>& visit) {
  struct Entry {
    uint32_t parent;  // index into entries, or ~0u for the root
    std::string part;
    bool named;
  };
  std::vector<Entry> entries;
  auto fill_path = [&](uint32_t e, TorchLeaf& leaf) {
    std::vector<const std::string*> parts;
    size_t len = 0;
    for (; e != ~0u; e = entries[e].parent) {
      leaf.named &= entries[e].named;
      if (len + entries[e].part.size() + 1 > kMaxTorchPath) {
        leaf.cut = true;
        break;
      }
      len += entries[e].part.size() + 1;
      parts.push_back(&entries[e].part);
    }
    for (; e != ~0u; e = entries[e].parent) leaf.named &= entries[e].named;
    std::string out = leaf.cut ? "..." : "";
    for (size_t i = parts.size(); i-- > 0;) out += (out.empty() ? "" : ".") + *parts[i];
    leaf.path = std::move(out);
  };
  struct Item {
    uint32_t id;
    uint32_t entry;
    size_t depth;
  };
  std::vector<Item> todo{{root, ~0u, 0}};
  std::unordered_map<uint32_t, std::string> seen;  // leaf or container -> its first path
  std::unordered_set<uint32_t> entered;            // containers walked
  while (!todo.empty()) {
    Item it = todo.back();
    todo.pop_back();
    check_depth(it.depth, d.limits());
    const Node& n = d.node(it.id);
    uint32_t items = n.kind == Kind::kObject ? d.object(it.id).dict_items : it.id;
    bool dict = items != kNoNode && d.node(items).kind == Kind::kDict && d.tag(it.id) != kTagTensor;
    bool seq = (n.kind == Kind::kList || n.kind == Kind::kTuple) && it.id != kEmptyTupleNode;
    if (!dict && !seq) {
      if (!want(it.id)) continue;
      TorchLeaf leaf;
      leaf.id = it.id;
      fill_path(it.entry, leaf);
      if (auto f = seen.find(it.id); f != seen.end()) {
        leaf.first = f->second;
      } else if (n.kind != Kind::kNone && it.id != kEmptyTupleNode) {  // atoms are shared by every use
        seen.emplace(it.id, leaf.path);
      }
      visit(std::move(leaf));
      continue;
    }
    if (!entered.insert(it.id).second) continue;
    auto child = [&](uint32_t id, std::string part, bool named) {
      entries.push_back({it.entry, std::move(part), named});
      todo.push_back({id, static_cast<uint32_t>(entries.size() - 1), it.depth + 1});
    };
    size_t mark = todo.size();  // children pushed in order, then reversed: popped in order
    if (dict) {
      for (uint32_t i = 0, c = d.item_count(items); i < c; ++i) {
        bool named = true;
        std::string part = path_part(d, d.items(items)[2 * i], named);
        child(d.items(items)[2 * i + 1], std::move(part), named);
      }
    } else {
      for (uint32_t i = 0, c = d.item_count(it.id); i < c; ++i) child(d.items(it.id)[i], std::to_string(i), true);
    }
    std::reverse(todo.begin() + static_cast<ptrdiff_t>(mark), todo.end());
  }
}

}  // namespace picklejar::internal
