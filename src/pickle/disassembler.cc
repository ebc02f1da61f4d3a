// picklejar::disassemble: a listing of a pickle stream identical, byte for byte, to CPython 3.11's
// `pickletools.dis(data, out)` (annotate=0, indentlevel=4), including the checks pickletools makes
// while it emulates the stack (MARK matching, memo use, stack underflow) and where it stops.
//
// How the output and errors line up with pickletools:
//  * Every opcode line is "%5d: " + "%-4s" of the opcode byte's repr + " " + 4 blanks per open MARK
//    + name, then (when there is an argument or a note) the name padded to 10 columns, " " + the
//    repr of the argument as pickletools decodes it, and " (MARK at N)" / " (as N)" notes.
//  * pickletools prints the offset column before it builds the rest of the line; the one failure
//    that happens in between (a MARK that was consumed as an ordinary stack item makes pickletools
//    index an empty list) leaves that "%5d: " fragment in the output, and so does this.
//  * Ints are printed in full whatever their size, as pickletools does under
//    sys.set_int_max_str_digits(0) (the convention of fixtures/*.dis; plain CPython 3.11 would
//    refuse to convert more than 4300 digits). Text ints (INT, LONG) only need their digits copied;
//    LONG1/LONG4 are converted from binary in O(n^2) time for n bytes, as CPython does.
//  * Checks that pickletools reports after printing the offending line (no MARK, memo misuse,
//    popping more than the stack holds) are reported after that line here too; a stack that is not
//    empty after STOP is reported after the "highest protocol" line.
//  * Argument-decoding failures (truncation, bad literals, bad UTF-8, ...) happen before anything of
//    that opcode is printed.
// Every error is a picklejar::Error carrying the opcode's offset and byte; its message is the text
// of pickletools' ValueError where there is one.
//
// Everything is iterative and bounded by the input: no recursion, and declared lengths are checked
// against the bytes left before anything is read or allocated for them. Note that, as in Python,
// the indentation grows with the number of open MARKs, so a stream of n MARKs prints O(n^2) text.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "picklejar/error.h"
#include "picklejar/pickle.h"
#include "pickle/disassembler.h"
#include "pickle/opcode_table.h"

namespace picklejar {
namespace {

using internal::ArgKind;
using internal::Op;
using internal::OpcodeInfo;

// ---- str.isprintable() -------------------------------------------------------------------------

struct CodeRange {
  uint32_t first;
  uint32_t last;
};

// The code points for which CPython 3.11's str.isprintable() is false (categories Cc, Cf, Cs, Co,
// Cn, Zl, Zp and Zs other than U+0020, as of Unicode 14.0.0), as sorted inclusive ranges. This is
// exactly what repr(str) escapes, so the listing matches Python 3.11 for every code point; other
// Python versions (other Unicode versions) differ only for characters assigned since. Generated
// with /usr/bin/python3 (3.11):
//   r, s = [], None
//   for c in range(0x110000):
//       p = chr(c).isprintable()
//       if not p and s is None: s = c
//       if p and s is not None: r.append((s, c - 1)); s = None
//   if s is not None: r.append((s, 0x10FFFF))
constexpr CodeRange kNonPrintable[] = {
    {0x0, 0x1F}, {0x7F, 0xA0}, {0xAD, 0xAD}, {0x378, 0x379}, {0x380, 0x383}, {0x38B, 0x38B},
    {0x38D, 0x38D}, {0x3A2, 0x3A2}, {0x530, 0x530}, {0x557, 0x558}, {0x58B, 0x58C}, {0x590, 0x590},
    {0x5C8, 0x5CF}, {0x5EB, 0x5EE}, {0x5F5, 0x605}, {0x61C, 0x61C}, {0x6DD, 0x6DD}, {0x70E, 0x70F},
    {0x74B, 0x74C}, {0x7B2, 0x7BF}, {0x7FB, 0x7FC}, {0x82E, 0x82F}, {0x83F, 0x83F}, {0x85C, 0x85D},
    {0x85F, 0x85F}, {0x86B, 0x86F}, {0x88F, 0x897}, {0x8E2, 0x8E2}, {0x984, 0x984}, {0x98D, 0x98E},
    {0x991, 0x992}, {0x9A9, 0x9A9}, {0x9B1, 0x9B1}, {0x9B3, 0x9B5}, {0x9BA, 0x9BB}, {0x9C5, 0x9C6},
    {0x9C9, 0x9CA}, {0x9CF, 0x9D6}, {0x9D8, 0x9DB}, {0x9DE, 0x9DE}, {0x9E4, 0x9E5}, {0x9FF, 0xA00},
    {0xA04, 0xA04}, {0xA0B, 0xA0E}, {0xA11, 0xA12}, {0xA29, 0xA29}, {0xA31, 0xA31}, {0xA34, 0xA34},
    {0xA37, 0xA37}, {0xA3A, 0xA3B}, {0xA3D, 0xA3D}, {0xA43, 0xA46}, {0xA49, 0xA4A}, {0xA4E, 0xA50},
    {0xA52, 0xA58}, {0xA5D, 0xA5D}, {0xA5F, 0xA65}, {0xA77, 0xA80}, {0xA84, 0xA84}, {0xA8E, 0xA8E},
    {0xA92, 0xA92}, {0xAA9, 0xAA9}, {0xAB1, 0xAB1}, {0xAB4, 0xAB4}, {0xABA, 0xABB}, {0xAC6, 0xAC6},
    {0xACA, 0xACA}, {0xACE, 0xACF}, {0xAD1, 0xADF}, {0xAE4, 0xAE5}, {0xAF2, 0xAF8}, {0xB00, 0xB00},
    {0xB04, 0xB04}, {0xB0D, 0xB0E}, {0xB11, 0xB12}, {0xB29, 0xB29}, {0xB31, 0xB31}, {0xB34, 0xB34},
    {0xB3A, 0xB3B}, {0xB45, 0xB46}, {0xB49, 0xB4A}, {0xB4E, 0xB54}, {0xB58, 0xB5B}, {0xB5E, 0xB5E},
    {0xB64, 0xB65}, {0xB78, 0xB81}, {0xB84, 0xB84}, {0xB8B, 0xB8D}, {0xB91, 0xB91}, {0xB96, 0xB98},
    {0xB9B, 0xB9B}, {0xB9D, 0xB9D}, {0xBA0, 0xBA2}, {0xBA5, 0xBA7}, {0xBAB, 0xBAD}, {0xBBA, 0xBBD},
    {0xBC3, 0xBC5}, {0xBC9, 0xBC9}, {0xBCE, 0xBCF}, {0xBD1, 0xBD6}, {0xBD8, 0xBE5}, {0xBFB, 0xBFF},
    {0xC0D, 0xC0D}, {0xC11, 0xC11}, {0xC29, 0xC29}, {0xC3A, 0xC3B}, {0xC45, 0xC45}, {0xC49, 0xC49},
    {0xC4E, 0xC54}, {0xC57, 0xC57}, {0xC5B, 0xC5C}, {0xC5E, 0xC5F}, {0xC64, 0xC65}, {0xC70, 0xC76},
    {0xC8D, 0xC8D}, {0xC91, 0xC91}, {0xCA9, 0xCA9}, {0xCB4, 0xCB4}, {0xCBA, 0xCBB}, {0xCC5, 0xCC5},
    {0xCC9, 0xCC9}, {0xCCE, 0xCD4}, {0xCD7, 0xCDC}, {0xCDF, 0xCDF}, {0xCE4, 0xCE5}, {0xCF0, 0xCF0},
    {0xCF3, 0xCFF}, {0xD0D, 0xD0D}, {0xD11, 0xD11}, {0xD45, 0xD45}, {0xD49, 0xD49}, {0xD50, 0xD53},
    {0xD64, 0xD65}, {0xD80, 0xD80}, {0xD84, 0xD84}, {0xD97, 0xD99}, {0xDB2, 0xDB2}, {0xDBC, 0xDBC},
    {0xDBE, 0xDBF}, {0xDC7, 0xDC9}, {0xDCB, 0xDCE}, {0xDD5, 0xDD5}, {0xDD7, 0xDD7}, {0xDE0, 0xDE5},
    {0xDF0, 0xDF1}, {0xDF5, 0xE00}, {0xE3B, 0xE3E}, {0xE5C, 0xE80}, {0xE83, 0xE83}, {0xE85, 0xE85},
    {0xE8B, 0xE8B}, {0xEA4, 0xEA4}, {0xEA6, 0xEA6}, {0xEBE, 0xEBF}, {0xEC5, 0xEC5}, {0xEC7, 0xEC7},
    {0xECE, 0xECF}, {0xEDA, 0xEDB}, {0xEE0, 0xEFF}, {0xF48, 0xF48}, {0xF6D, 0xF70}, {0xF98, 0xF98},
    {0xFBD, 0xFBD}, {0xFCD, 0xFCD}, {0xFDB, 0xFFF}, {0x10C6, 0x10C6}, {0x10C8, 0x10CC},
    {0x10CE, 0x10CF}, {0x1249, 0x1249}, {0x124E, 0x124F}, {0x1257, 0x1257}, {0x1259, 0x1259},
    {0x125E, 0x125F}, {0x1289, 0x1289}, {0x128E, 0x128F}, {0x12B1, 0x12B1}, {0x12B6, 0x12B7},
    {0x12BF, 0x12BF}, {0x12C1, 0x12C1}, {0x12C6, 0x12C7}, {0x12D7, 0x12D7}, {0x1311, 0x1311},
    {0x1316, 0x1317}, {0x135B, 0x135C}, {0x137D, 0x137F}, {0x139A, 0x139F}, {0x13F6, 0x13F7},
    {0x13FE, 0x13FF}, {0x1680, 0x1680}, {0x169D, 0x169F}, {0x16F9, 0x16FF}, {0x1716, 0x171E},
    {0x1737, 0x173F}, {0x1754, 0x175F}, {0x176D, 0x176D}, {0x1771, 0x1771}, {0x1774, 0x177F},
    {0x17DE, 0x17DF}, {0x17EA, 0x17EF}, {0x17FA, 0x17FF}, {0x180E, 0x180E}, {0x181A, 0x181F},
    {0x1879, 0x187F}, {0x18AB, 0x18AF}, {0x18F6, 0x18FF}, {0x191F, 0x191F}, {0x192C, 0x192F},
    {0x193C, 0x193F}, {0x1941, 0x1943}, {0x196E, 0x196F}, {0x1975, 0x197F}, {0x19AC, 0x19AF},
    {0x19CA, 0x19CF}, {0x19DB, 0x19DD}, {0x1A1C, 0x1A1D}, {0x1A5F, 0x1A5F}, {0x1A7D, 0x1A7E},
    {0x1A8A, 0x1A8F}, {0x1A9A, 0x1A9F}, {0x1AAE, 0x1AAF}, {0x1ACF, 0x1AFF}, {0x1B4D, 0x1B4F},
    {0x1B7F, 0x1B7F}, {0x1BF4, 0x1BFB}, {0x1C38, 0x1C3A}, {0x1C4A, 0x1C4C}, {0x1C89, 0x1C8F},
    {0x1CBB, 0x1CBC}, {0x1CC8, 0x1CCF}, {0x1CFB, 0x1CFF}, {0x1F16, 0x1F17}, {0x1F1E, 0x1F1F},
    {0x1F46, 0x1F47}, {0x1F4E, 0x1F4F}, {0x1F58, 0x1F58}, {0x1F5A, 0x1F5A}, {0x1F5C, 0x1F5C},
    {0x1F5E, 0x1F5E}, {0x1F7E, 0x1F7F}, {0x1FB5, 0x1FB5}, {0x1FC5, 0x1FC5}, {0x1FD4, 0x1FD5},
    {0x1FDC, 0x1FDC}, {0x1FF0, 0x1FF1}, {0x1FF5, 0x1FF5}, {0x1FFF, 0x200F}, {0x2028, 0x202F},
    {0x205F, 0x206F}, {0x2072, 0x2073}, {0x208F, 0x208F}, {0x209D, 0x209F}, {0x20C1, 0x20CF},
    {0x20F1, 0x20FF}, {0x218C, 0x218F}, {0x2427, 0x243F}, {0x244B, 0x245F}, {0x2B74, 0x2B75},
    {0x2B96, 0x2B96}, {0x2CF4, 0x2CF8}, {0x2D26, 0x2D26}, {0x2D28, 0x2D2C}, {0x2D2E, 0x2D2F},
    {0x2D68, 0x2D6E}, {0x2D71, 0x2D7E}, {0x2D97, 0x2D9F}, {0x2DA7, 0x2DA7}, {0x2DAF, 0x2DAF},
    {0x2DB7, 0x2DB7}, {0x2DBF, 0x2DBF}, {0x2DC7, 0x2DC7}, {0x2DCF, 0x2DCF}, {0x2DD7, 0x2DD7},
    {0x2DDF, 0x2DDF}, {0x2E5E, 0x2E7F}, {0x2E9A, 0x2E9A}, {0x2EF4, 0x2EFF}, {0x2FD6, 0x2FEF},
    {0x2FFC, 0x3000}, {0x3040, 0x3040}, {0x3097, 0x3098}, {0x3100, 0x3104}, {0x3130, 0x3130},
    {0x318F, 0x318F}, {0x31E4, 0x31EF}, {0x321F, 0x321F}, {0xA48D, 0xA48F}, {0xA4C7, 0xA4CF},
    {0xA62C, 0xA63F}, {0xA6F8, 0xA6FF}, {0xA7CB, 0xA7CF}, {0xA7D2, 0xA7D2}, {0xA7D4, 0xA7D4},
    {0xA7DA, 0xA7F1}, {0xA82D, 0xA82F}, {0xA83A, 0xA83F}, {0xA878, 0xA87F}, {0xA8C6, 0xA8CD},
    {0xA8DA, 0xA8DF}, {0xA954, 0xA95E}, {0xA97D, 0xA97F}, {0xA9CE, 0xA9CE}, {0xA9DA, 0xA9DD},
    {0xA9FF, 0xA9FF}, {0xAA37, 0xAA3F}, {0xAA4E, 0xAA4F}, {0xAA5A, 0xAA5B}, {0xAAC3, 0xAADA},
    {0xAAF7, 0xAB00}, {0xAB07, 0xAB08}, {0xAB0F, 0xAB10}, {0xAB17, 0xAB1F}, {0xAB27, 0xAB27},
    {0xAB2F, 0xAB2F}, {0xAB6C, 0xAB6F}, {0xABEE, 0xABEF}, {0xABFA, 0xABFF}, {0xD7A4, 0xD7AF},
    {0xD7C7, 0xD7CA}, {0xD7FC, 0xF8FF}, {0xFA6E, 0xFA6F}, {0xFADA, 0xFAFF}, {0xFB07, 0xFB12},
    {0xFB18, 0xFB1C}, {0xFB37, 0xFB37}, {0xFB3D, 0xFB3D}, {0xFB3F, 0xFB3F}, {0xFB42, 0xFB42},
    {0xFB45, 0xFB45}, {0xFBC3, 0xFBD2}, {0xFD90, 0xFD91}, {0xFDC8, 0xFDCE}, {0xFDD0, 0xFDEF},
    {0xFE1A, 0xFE1F}, {0xFE53, 0xFE53}, {0xFE67, 0xFE67}, {0xFE6C, 0xFE6F}, {0xFE75, 0xFE75},
    {0xFEFD, 0xFF00}, {0xFFBF, 0xFFC1}, {0xFFC8, 0xFFC9}, {0xFFD0, 0xFFD1}, {0xFFD8, 0xFFD9},
    {0xFFDD, 0xFFDF}, {0xFFE7, 0xFFE7}, {0xFFEF, 0xFFFB}, {0xFFFE, 0xFFFF}, {0x1000C, 0x1000C},
    {0x10027, 0x10027}, {0x1003B, 0x1003B}, {0x1003E, 0x1003E}, {0x1004E, 0x1004F},
    {0x1005E, 0x1007F}, {0x100FB, 0x100FF}, {0x10103, 0x10106}, {0x10134, 0x10136},
    {0x1018F, 0x1018F}, {0x1019D, 0x1019F}, {0x101A1, 0x101CF}, {0x101FE, 0x1027F},
    {0x1029D, 0x1029F}, {0x102D1, 0x102DF}, {0x102FC, 0x102FF}, {0x10324, 0x1032C},
    {0x1034B, 0x1034F}, {0x1037B, 0x1037F}, {0x1039E, 0x1039E}, {0x103C4, 0x103C7},
    {0x103D6, 0x103FF}, {0x1049E, 0x1049F}, {0x104AA, 0x104AF}, {0x104D4, 0x104D7},
    {0x104FC, 0x104FF}, {0x10528, 0x1052F}, {0x10564, 0x1056E}, {0x1057B, 0x1057B},
    {0x1058B, 0x1058B}, {0x10593, 0x10593}, {0x10596, 0x10596}, {0x105A2, 0x105A2},
    {0x105B2, 0x105B2}, {0x105BA, 0x105BA}, {0x105BD, 0x105FF}, {0x10737, 0x1073F},
    {0x10756, 0x1075F}, {0x10768, 0x1077F}, {0x10786, 0x10786}, {0x107B1, 0x107B1},
    {0x107BB, 0x107FF}, {0x10806, 0x10807}, {0x10809, 0x10809}, {0x10836, 0x10836},
    {0x10839, 0x1083B}, {0x1083D, 0x1083E}, {0x10856, 0x10856}, {0x1089F, 0x108A6},
    {0x108B0, 0x108DF}, {0x108F3, 0x108F3}, {0x108F6, 0x108FA}, {0x1091C, 0x1091E},
    {0x1093A, 0x1093E}, {0x10940, 0x1097F}, {0x109B8, 0x109BB}, {0x109D0, 0x109D1},
    {0x10A04, 0x10A04}, {0x10A07, 0x10A0B}, {0x10A14, 0x10A14}, {0x10A18, 0x10A18},
    {0x10A36, 0x10A37}, {0x10A3B, 0x10A3E}, {0x10A49, 0x10A4F}, {0x10A59, 0x10A5F},
    {0x10AA0, 0x10ABF}, {0x10AE7, 0x10AEA}, {0x10AF7, 0x10AFF}, {0x10B36, 0x10B38},
    {0x10B56, 0x10B57}, {0x10B73, 0x10B77}, {0x10B92, 0x10B98}, {0x10B9D, 0x10BA8},
    {0x10BB0, 0x10BFF}, {0x10C49, 0x10C7F}, {0x10CB3, 0x10CBF}, {0x10CF3, 0x10CF9},
    {0x10D28, 0x10D2F}, {0x10D3A, 0x10E5F}, {0x10E7F, 0x10E7F}, {0x10EAA, 0x10EAA},
    {0x10EAE, 0x10EAF}, {0x10EB2, 0x10EFF}, {0x10F28, 0x10F2F}, {0x10F5A, 0x10F6F},
    {0x10F8A, 0x10FAF}, {0x10FCC, 0x10FDF}, {0x10FF7, 0x10FFF}, {0x1104E, 0x11051},
    {0x11076, 0x1107E}, {0x110BD, 0x110BD}, {0x110C3, 0x110CF}, {0x110E9, 0x110EF},
    {0x110FA, 0x110FF}, {0x11135, 0x11135}, {0x11148, 0x1114F}, {0x11177, 0x1117F},
    {0x111E0, 0x111E0}, {0x111F5, 0x111FF}, {0x11212, 0x11212}, {0x1123F, 0x1127F},
    {0x11287, 0x11287}, {0x11289, 0x11289}, {0x1128E, 0x1128E}, {0x1129E, 0x1129E},
    {0x112AA, 0x112AF}, {0x112EB, 0x112EF}, {0x112FA, 0x112FF}, {0x11304, 0x11304},
    {0x1130D, 0x1130E}, {0x11311, 0x11312}, {0x11329, 0x11329}, {0x11331, 0x11331},
    {0x11334, 0x11334}, {0x1133A, 0x1133A}, {0x11345, 0x11346}, {0x11349, 0x1134A},
    {0x1134E, 0x1134F}, {0x11351, 0x11356}, {0x11358, 0x1135C}, {0x11364, 0x11365},
    {0x1136D, 0x1136F}, {0x11375, 0x113FF}, {0x1145C, 0x1145C}, {0x11462, 0x1147F},
    {0x114C8, 0x114CF}, {0x114DA, 0x1157F}, {0x115B6, 0x115B7}, {0x115DE, 0x115FF},
    {0x11645, 0x1164F}, {0x1165A, 0x1165F}, {0x1166D, 0x1167F}, {0x116BA, 0x116BF},
    {0x116CA, 0x116FF}, {0x1171B, 0x1171C}, {0x1172C, 0x1172F}, {0x11747, 0x117FF},
    {0x1183C, 0x1189F}, {0x118F3, 0x118FE}, {0x11907, 0x11908}, {0x1190A, 0x1190B},
    {0x11914, 0x11914}, {0x11917, 0x11917}, {0x11936, 0x11936}, {0x11939, 0x1193A},
    {0x11947, 0x1194F}, {0x1195A, 0x1199F}, {0x119A8, 0x119A9}, {0x119D8, 0x119D9},
    {0x119E5, 0x119FF}, {0x11A48, 0x11A4F}, {0x11AA3, 0x11AAF}, {0x11AF9, 0x11BFF},
    {0x11C09, 0x11C09}, {0x11C37, 0x11C37}, {0x11C46, 0x11C4F}, {0x11C6D, 0x11C6F},
    {0x11C90, 0x11C91}, {0x11CA8, 0x11CA8}, {0x11CB7, 0x11CFF}, {0x11D07, 0x11D07},
    {0x11D0A, 0x11D0A}, {0x11D37, 0x11D39}, {0x11D3B, 0x11D3B}, {0x11D3E, 0x11D3E},
    {0x11D48, 0x11D4F}, {0x11D5A, 0x11D5F}, {0x11D66, 0x11D66}, {0x11D69, 0x11D69},
    {0x11D8F, 0x11D8F}, {0x11D92, 0x11D92}, {0x11D99, 0x11D9F}, {0x11DAA, 0x11EDF},
    {0x11EF9, 0x11FAF}, {0x11FB1, 0x11FBF}, {0x11FF2, 0x11FFE}, {0x1239A, 0x123FF},
    {0x1246F, 0x1246F}, {0x12475, 0x1247F}, {0x12544, 0x12F8F}, {0x12FF3, 0x12FFF},
    {0x1342F, 0x143FF}, {0x14647, 0x167FF}, {0x16A39, 0x16A3F}, {0x16A5F, 0x16A5F},
    {0x16A6A, 0x16A6D}, {0x16ABF, 0x16ABF}, {0x16ACA, 0x16ACF}, {0x16AEE, 0x16AEF},
    {0x16AF6, 0x16AFF}, {0x16B46, 0x16B4F}, {0x16B5A, 0x16B5A}, {0x16B62, 0x16B62},
    {0x16B78, 0x16B7C}, {0x16B90, 0x16E3F}, {0x16E9B, 0x16EFF}, {0x16F4B, 0x16F4E},
    {0x16F88, 0x16F8E}, {0x16FA0, 0x16FDF}, {0x16FE5, 0x16FEF}, {0x16FF2, 0x16FFF},
    {0x187F8, 0x187FF}, {0x18CD6, 0x18CFF}, {0x18D09, 0x1AFEF}, {0x1AFF4, 0x1AFF4},
    {0x1AFFC, 0x1AFFC}, {0x1AFFF, 0x1AFFF}, {0x1B123, 0x1B14F}, {0x1B153, 0x1B163},
    {0x1B168, 0x1B16F}, {0x1B2FC, 0x1BBFF}, {0x1BC6B, 0x1BC6F}, {0x1BC7D, 0x1BC7F},
    {0x1BC89, 0x1BC8F}, {0x1BC9A, 0x1BC9B}, {0x1BCA0, 0x1CEFF}, {0x1CF2E, 0x1CF2F},
    {0x1CF47, 0x1CF4F}, {0x1CFC4, 0x1CFFF}, {0x1D0F6, 0x1D0FF}, {0x1D127, 0x1D128},
    {0x1D173, 0x1D17A}, {0x1D1EB, 0x1D1FF}, {0x1D246, 0x1D2DF}, {0x1D2F4, 0x1D2FF},
    {0x1D357, 0x1D35F}, {0x1D379, 0x1D3FF}, {0x1D455, 0x1D455}, {0x1D49D, 0x1D49D},
    {0x1D4A0, 0x1D4A1}, {0x1D4A3, 0x1D4A4}, {0x1D4A7, 0x1D4A8}, {0x1D4AD, 0x1D4AD},
    {0x1D4BA, 0x1D4BA}, {0x1D4BC, 0x1D4BC}, {0x1D4C4, 0x1D4C4}, {0x1D506, 0x1D506},
    {0x1D50B, 0x1D50C}, {0x1D515, 0x1D515}, {0x1D51D, 0x1D51D}, {0x1D53A, 0x1D53A},
    {0x1D53F, 0x1D53F}, {0x1D545, 0x1D545}, {0x1D547, 0x1D549}, {0x1D551, 0x1D551},
    {0x1D6A6, 0x1D6A7}, {0x1D7CC, 0x1D7CD}, {0x1DA8C, 0x1DA9A}, {0x1DAA0, 0x1DAA0},
    {0x1DAB0, 0x1DEFF}, {0x1DF1F, 0x1DFFF}, {0x1E007, 0x1E007}, {0x1E019, 0x1E01A},
    {0x1E022, 0x1E022}, {0x1E025, 0x1E025}, {0x1E02B, 0x1E0FF}, {0x1E12D, 0x1E12F},
    {0x1E13E, 0x1E13F}, {0x1E14A, 0x1E14D}, {0x1E150, 0x1E28F}, {0x1E2AF, 0x1E2BF},
    {0x1E2FA, 0x1E2FE}, {0x1E300, 0x1E7DF}, {0x1E7E7, 0x1E7E7}, {0x1E7EC, 0x1E7EC},
    {0x1E7EF, 0x1E7EF}, {0x1E7FF, 0x1E7FF}, {0x1E8C5, 0x1E8C6}, {0x1E8D7, 0x1E8FF},
    {0x1E94C, 0x1E94F}, {0x1E95A, 0x1E95D}, {0x1E960, 0x1EC70}, {0x1ECB5, 0x1ED00},
    {0x1ED3E, 0x1EDFF}, {0x1EE04, 0x1EE04}, {0x1EE20, 0x1EE20}, {0x1EE23, 0x1EE23},
    {0x1EE25, 0x1EE26}, {0x1EE28, 0x1EE28}, {0x1EE33, 0x1EE33}, {0x1EE38, 0x1EE38},
    {0x1EE3A, 0x1EE3A}, {0x1EE3C, 0x1EE41}, {0x1EE43, 0x1EE46}, {0x1EE48, 0x1EE48},
    {0x1EE4A, 0x1EE4A}, {0x1EE4C, 0x1EE4C}, {0x1EE50, 0x1EE50}, {0x1EE53, 0x1EE53},
    {0x1EE55, 0x1EE56}, {0x1EE58, 0x1EE58}, {0x1EE5A, 0x1EE5A}, {0x1EE5C, 0x1EE5C},
    {0x1EE5E, 0x1EE5E}, {0x1EE60, 0x1EE60}, {0x1EE63, 0x1EE63}, {0x1EE65, 0x1EE66},
    {0x1EE6B, 0x1EE6B}, {0x1EE73, 0x1EE73}, {0x1EE78, 0x1EE78}, {0x1EE7D, 0x1EE7D},
    {0x1EE7F, 0x1EE7F}, {0x1EE8A, 0x1EE8A}, {0x1EE9C, 0x1EEA0}, {0x1EEA4, 0x1EEA4},
    {0x1EEAA, 0x1EEAA}, {0x1EEBC, 0x1EEEF}, {0x1EEF2, 0x1EFFF}, {0x1F02C, 0x1F02F},
    {0x1F094, 0x1F09F}, {0x1F0AF, 0x1F0B0}, {0x1F0C0, 0x1F0C0}, {0x1F0D0, 0x1F0D0},
    {0x1F0F6, 0x1F0FF}, {0x1F1AE, 0x1F1E5}, {0x1F203, 0x1F20F}, {0x1F23C, 0x1F23F},
    {0x1F249, 0x1F24F}, {0x1F252, 0x1F25F}, {0x1F266, 0x1F2FF}, {0x1F6D8, 0x1F6DC},
    {0x1F6ED, 0x1F6EF}, {0x1F6FD, 0x1F6FF}, {0x1F774, 0x1F77F}, {0x1F7D9, 0x1F7DF},
    {0x1F7EC, 0x1F7EF}, {0x1F7F1, 0x1F7FF}, {0x1F80C, 0x1F80F}, {0x1F848, 0x1F84F},
    {0x1F85A, 0x1F85F}, {0x1F888, 0x1F88F}, {0x1F8AE, 0x1F8AF}, {0x1F8B2, 0x1F8FF},
    {0x1FA54, 0x1FA5F}, {0x1FA6E, 0x1FA6F}, {0x1FA75, 0x1FA77}, {0x1FA7D, 0x1FA7F},
    {0x1FA87, 0x1FA8F}, {0x1FAAD, 0x1FAAF}, {0x1FABB, 0x1FABF}, {0x1FAC6, 0x1FACF},
    {0x1FADA, 0x1FADF}, {0x1FAE8, 0x1FAEF}, {0x1FAF7, 0x1FAFF}, {0x1FB93, 0x1FB93},
    {0x1FBCB, 0x1FBEF}, {0x1FBFA, 0x1FFFF}, {0x2A6E0, 0x2A6FF}, {0x2B739, 0x2B73F},
    {0x2B81E, 0x2B81F}, {0x2CEA2, 0x2CEAF}, {0x2EBE1, 0x2F7FF}, {0x2FA1E, 0x2FFFF},
    {0x3134B, 0xE00FF}, {0xE01F0, 0x10FFFF},
};

bool is_printable(uint32_t cp) {
  // The last range whose first code point is <= cp decides.
  const CodeRange* end = kNonPrintable + std::size(kNonPrintable);
  const CodeRange* it =
      std::upper_bound(kNonPrintable, end, cp, [](uint32_t v, const CodeRange& r) { return v < r.first; });
  if (it == kNonPrintable) return true;
  --it;
  return cp > it->last;
}

// ---- repr() of str and bytes -------------------------------------------------------------------

constexpr char kHexDigits[] = "0123456789abcdef";

void append_hex(std::string& out, uint32_t v, int digits) {
  for (int i = digits - 1; i >= 0; --i) out += kHexDigits[(v >> (4 * i)) & 0xF];
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Python picks the double quote only when the text has a single quote and no double quote.
char pick_quote(bool has_single, bool has_double) { return has_single && !has_double ? '"' : '\''; }

// One code point of repr(str) (without the surrounding quotes), written as UTF-8.
void put_str_char(std::string& out, uint32_t cp, char quote) {
  if (cp == static_cast<uint32_t>(quote) || cp == '\\') {
    out += '\\';
    out += static_cast<char>(cp);
  } else if (cp == '\t') {
    out += "\\t";
  } else if (cp == '\n') {
    out += "\\n";
  } else if (cp == '\r') {
    out += "\\r";
  } else if (cp < 0x20 || cp == 0x7F) {
    out += "\\x";
    append_hex(out, cp, 2);
  } else if (cp < 0x7F) {
    out += static_cast<char>(cp);
  } else if (is_printable(cp)) {
    append_utf8(out, cp);
  } else if (cp <= 0xFF) {
    out += "\\x";
    append_hex(out, cp, 2);
  } else if (cp <= 0xFFFF) {
    out += "\\u";
    append_hex(out, cp, 4);
  } else {
    out += "\\U";
    append_hex(out, cp, 8);
  }
}

// repr() of a str whose code points are the given bytes (ASCII or Latin-1 text).
std::string repr_latin1(const uint8_t* p, size_t n) {
  bool sq = std::memchr(p, '\'', n) != nullptr;
  bool dq = std::memchr(p, '"', n) != nullptr;
  char q = pick_quote(sq, dq);
  std::string out;
  out.reserve(n + 2);
  out += q;
  for (size_t i = 0; i < n; ++i) put_str_char(out, p[i], q);
  out += q;
  return out;
}

std::string repr_codepoints(const std::u32string& s) {
  bool sq = s.find(U'\'') != std::u32string::npos;
  bool dq = s.find(U'"') != std::u32string::npos;
  char q = pick_quote(sq, dq);
  std::string out;
  out.reserve(s.size() + 2);
  out += q;
  for (char32_t c : s) put_str_char(out, static_cast<uint32_t>(c), q);
  out += q;
  return out;
}

// repr() of a bytes object: b'...'. bytearray's repr differs in one point: it escapes every single
// quote, even inside double quotes (bytearray(b"\'")).
std::string repr_bytes(const uint8_t* p, size_t n, bool bytearray_style = false) {
  bool sq = std::memchr(p, '\'', n) != nullptr;
  bool dq = std::memchr(p, '"', n) != nullptr;
  char q = pick_quote(sq, dq);
  std::string out;
  out.reserve(n + 3);
  out += 'b';
  out += q;
  for (size_t i = 0; i < n; ++i) {
    uint8_t c = p[i];
    if (c == static_cast<uint8_t>(q) || c == '\\' || (bytearray_style && c == '\'')) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c >= 0x7F) {
      out += "\\x";
      append_hex(out, c, 2);
    } else {
      out += static_cast<char>(c);
    }
  }
  out += q;
  return out;
}

// ---- decoding ----------------------------------------------------------------------------------

// A decoding failure: the error code and Python's message. Thrown as Error by the caller, which
// knows the opcode's offset.
struct Failure {
  ErrorCode code;
  std::string message;
};

// Decodes one UTF-8 sequence at p (n > 0 bytes available), allowing encoded surrogates (CPython's
// "surrogatepass"). Returns the length, or 0 with `why` set.
size_t utf8_next(const uint8_t* p, size_t n, uint32_t& cp, const char*& why) {
  uint8_t c = p[0];
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  size_t len;
  uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
    if (c == 0xE0) lo = 0xA0;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    why = "invalid start byte";
    return 0;
  }
  for (size_t k = 1; k < len; ++k) {
    if (k >= n) {
      why = "unexpected end of data";
      return 0;
    }
    uint8_t b = p[k];
    if (k == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80) {
      why = "invalid continuation byte";
      return 0;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  return len;
}

// repr() of the str that `str(data, 'utf-8', 'surrogatepass')` makes.
std::string repr_utf8(const uint8_t* p, size_t n, Failure& fail, bool& ok) {
  // First pass: validate and find the quotes; second: write.
  bool sq = false, dq = false;
  for (size_t i = 0; i < n;) {
    if (p[i] < 0x80) {
      sq |= p[i] == '\'';
      dq |= p[i] == '"';
      ++i;
      continue;
    }
    uint32_t cp;
    const char* why = nullptr;
    size_t len = utf8_next(p + i, n - i, cp, why);
    if (len == 0) {
      std::string m = "'utf-8' codec can't decode byte 0x";
      append_hex(m, p[i], 2);
      m += " in position " + std::to_string(i) + ": " + why;
      fail = Failure{ErrorCode::kBadUtf8, std::move(m)};
      ok = false;
      return {};
    }
    i += len;
  }
  char q = pick_quote(sq, dq);
  std::string out;
  out.reserve(n + 2);
  out += q;
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    const char* why = nullptr;
    i += utf8_next(p + i, n - i, cp, why);
    put_str_char(out, cp, q);
  }
  out += q;
  ok = true;
  return out;
}

int hex_value(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// codecs.escape_decode (the decoding of a bytes literal's body), then .decode("ascii"). Returns
// false with `fail` set where Python raises.
bool escape_decode_ascii(std::string_view s, std::string& out, Failure& fail) {
  out.clear();
  out.reserve(s.size());
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    char c = s[i];
    if (c != '\\') {
      out += c;
      ++i;
      continue;
    }
    size_t bs = i++;
    if (i == n) {
      fail = Failure{ErrorCode::kBadArgument, "Trailing \\ in string"};
      return false;
    }
    char e = s[i++];
    switch (e) {
      case '\n': break;  // line continuation
      case '\\': out += '\\'; break;
      case '\'': out += '\''; break;
      case '"': out += '"'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 'v': out += '\v'; break;
      case 'a': out += '\a'; break;
      case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
        // Up to three octal digits; values past 0o377 keep their low byte (Python warns only).
        unsigned v = static_cast<unsigned>(e - '0');
        for (int k = 0; k < 2 && i < n && s[i] >= '0' && s[i] <= '7'; ++k) v = (v << 3) + static_cast<unsigned>(s[i++] - '0');
        out += static_cast<char>(v & 0xFF);
        break;
      }
      case 'x': {
        int d1 = i < n ? hex_value(static_cast<uint8_t>(s[i])) : -1;
        int d2 = i + 1 < n ? hex_value(static_cast<uint8_t>(s[i + 1])) : -1;
        if (d1 < 0 || d2 < 0) {
          fail = Failure{ErrorCode::kBadArgument, "invalid \\x escape at position " + std::to_string(bs)};
          return false;
        }
        out += static_cast<char>((d1 << 4) | d2);
        i += 2;
        break;
      }
      default:  // not an escape: the backslash stays, the character is read again
        out += '\\';
        --i;
        break;
    }
  }
  for (size_t k = 0; k < out.size(); ++k) {
    auto b = static_cast<uint8_t>(out[k]);
    if (b >= 0x80) {
      std::string m = "'ascii' codec can't decode byte 0x";
      append_hex(m, b, 2);
      m += " in position " + std::to_string(k) + ": ordinal not in range(128)";
      fail = Failure{ErrorCode::kDecode, std::move(m)};
      return false;
    }
  }
  return true;
}

// str(data, 'raw-unicode-escape'): bytes are Latin-1 code points, except \uXXXX and \UXXXXXXXX
// escapes started by the last of an odd number of backslashes.
bool raw_unicode_escape_decode(std::string_view s, std::u32string& out, Failure& fail) {
  out.clear();
  out.reserve(s.size());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    auto c = static_cast<uint8_t>(s[i]);
    if (c != '\\') {
      out += static_cast<char32_t>(c);
      ++i;
      continue;
    }
    size_t run = i;
    while (i < n && s[i] == '\\') {
      out += U'\\';
      ++i;
    }
    if (((i - run) & 1) == 0 || i >= n || (s[i] != 'u' && s[i] != 'U')) continue;
    out.pop_back();  // the odd backslash starts the escape
    size_t start = i - 1;
    int count = s[i] == 'u' ? 4 : 8;
    ++i;
    uint32_t v = 0;
    int got = 0;
    for (; got < count && i < n; ++got, ++i) {
      int d = hex_value(static_cast<uint8_t>(s[i]));
      if (d < 0) break;
      v = (v << 4) | static_cast<uint32_t>(d);
    }
    auto where = [&](size_t end) {
      return "'rawunicodeescape' codec can't decode bytes in position " + std::to_string(start) + "-" +
             std::to_string(end - 1) + ": ";
    };
    if (got < count) {
      fail = Failure{ErrorCode::kBadArgument,
                     where(i) + (count == 4 ? "truncated \\uXXXX escape" : "truncated \\UXXXXXXXX escape")};
      return false;
    }
    if (v > 0x10FFFF) {
      fail = Failure{ErrorCode::kBadArgument, where(i) + "\\Uxxxxxxxx out of range"};
      return false;
    }
    out += static_cast<char32_t>(v);
  }
  return true;
}

// ---- int() and float() of a text line ----------------------------------------------------------

bool py_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view py_strip(std::string_view s) {
  while (!s.empty() && py_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && py_space(s.back())) s.remove_suffix(1);
  return s;
}

// int(line) for a bytes line, base 10: optional whitespace and sign, digits with single
// underscores between them. Writes the canonical decimal text (no leading zeros, "-" only when
// negative).
bool parse_py_int(std::string_view line, std::string& out, Failure& fail) {
  std::string_view s = py_strip(line);
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  bool valid = !s.empty() && s.front() != '_' && s.back() != '_';
  for (size_t i = 0; valid && i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') {
      continue;
    } else if (s[i] != '_' || s[i + 1] == '_') {
      valid = false;
    }
  }
  if (!valid) {
    std::string r = repr_bytes(reinterpret_cast<const uint8_t*>(line.data()), line.size());
    if (r.size() > 200) r.resize(200);  // Python formats it with %.200R
    fail = Failure{ErrorCode::kBadArgument, "invalid literal for int() with base 10: " + r};
    return false;
  }
  out.clear();
  for (char c : s) {
    if (c == '_' || (c == '0' && out.empty())) continue;
    out += c;
  }
  if (out.empty()) {
    out = "0";
  } else if (neg) {
    out.insert(out.begin(), '-');
  }
  return true;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

// float(line) for a bytes line: whitespace, sign, "inf"/"infinity"/"nan" in any case, or a
// decimal literal whose digit groups may hold single underscores between digits.
bool parse_py_float(std::string_view line, double& out) {
  std::string_view s = py_strip(line);
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (iequals(s, "inf") || iequals(s, "infinity")) {
    out = neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return true;
  }
  if (iequals(s, "nan")) {
    out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  size_t i = 0;
  // Reads digit ("_"? digit)* into `dst`; returns the number of digits.
  auto digit_part = [&](std::string& dst) -> size_t {
    size_t count = 0;
    while (i < s.size()) {
      if (s[i] >= '0' && s[i] <= '9') {
        dst += s[i++];
        ++count;
      } else if (s[i] == '_' && count > 0 && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9') {
        ++i;
      } else {
        break;
      }
    }
    return count;
  };
  std::string int_digits, frac_digits, exp_digits;
  size_t ni = digit_part(int_digits);
  size_t nf = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    nf = digit_part(frac_digits);
  }
  if (ni + nf == 0) return false;
  bool exp_neg = false;
  bool has_exp = false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    has_exp = true;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) exp_neg = s[i++] == '-';
    if (digit_part(exp_digits) == 0) return false;
  }
  if (i != s.size()) return false;

  std::string clean;
  clean.reserve(ni + nf + exp_digits.size() + 4);
  if (neg) clean += '-';
  clean += int_digits.empty() ? std::string("0") : int_digits;
  if (!frac_digits.empty()) {
    clean += '.';
    clean += frac_digits;
  }
  if (has_exp) {
    clean += exp_neg ? "e-" : "e";
    clean += exp_digits;
  }
  double v = 0;
  auto res = std::from_chars(clean.data(), clean.data() + clean.size(), v, std::chars_format::general);
  if (res.ec == std::errc::result_out_of_range) {
    // from_chars gives up only when the correctly rounded result is infinite or zero; which one
    // follows from the decimal exponent of the first non-zero digit.
    int64_t e = 0;
    for (char c : exp_digits) {
      if (e < int64_t{1} << 40) e = e * 10 + (c - '0');
    }
    if (exp_neg) e = -e;
    size_t lead = int_digits.find_first_not_of('0');
    int64_t e10;
    if (lead != std::string::npos) {
      e10 = e + static_cast<int64_t>(int_digits.size() - lead) - 1;
    } else {
      size_t z = frac_digits.find_first_not_of('0');
      e10 = e - static_cast<int64_t>(z == std::string::npos ? 0 : z) - 1;
    }
    v = e10 > 0 ? std::numeric_limits<double>::infinity() : 0.0;
    if (neg) v = -v;
  } else if (res.ec != std::errc{} || res.ptr != clean.data() + clean.size()) {
    return false;
  }
  out = v;
  return true;
}

// Decimal text of a little-endian two's-complement integer, as repr(int) prints it: Python's
// decode_long(data) then repr(). Schoolbook conversion (repeated division by 10^9), O(n^2) in the
// byte count like CPython 3.11's own int-to-str.
std::string long_repr(const uint8_t* p, size_t n) {
  if (n == 0) return "0";
  const bool neg = (p[n - 1] & 0x80) != 0;
  const uint8_t sign = neg ? 0xFF : 0x00;
  size_t m = n;
  while (m > 0 && p[m - 1] == sign) --m;  // drop redundant sign bytes
  // Magnitude in 32-bit limbs, little-endian: x for x >= 0, ~x + 1 for x < 0 (over m + 1 bytes,
  // the extra byte being a sign byte).
  std::vector<uint32_t> limbs((m + 1 + 3) / 4, 0);
  for (size_t i = 0; i <= m; ++i) {
    uint8_t b = i < m ? p[i] : sign;
    if (neg) b = static_cast<uint8_t>(~b);
    limbs[i / 4] |= uint32_t{b} << (8 * (i % 4));
  }
  if (neg) {
    for (auto& l : limbs) {
      if (++l != 0) break;
    }
  }
  while (!limbs.empty() && limbs.back() == 0) limbs.pop_back();
  if (limbs.empty()) return "0";
  // Decimal conversion is quadratic: past 64 KiB of magnitude (about 158,000 digits, where
  // pickletools itself refuses above 4300 digits by default) print Python's hex() instead, so a
  // hostile LONG4 cannot make a listing take hours.
  if (limbs.size() * 4 > (size_t{1} << 16)) {
    static const char* hex = "0123456789abcdef";
    std::string out = neg ? "-0x" : "0x";
    bool started = false;
    for (size_t i = limbs.size(); i-- > 0;) {
      for (int sh = 28; sh >= 0; sh -= 4) {
        unsigned d = (limbs[i] >> sh) & 15;
        if (!started && d == 0) continue;
        started = true;
        out += hex[d];
      }
    }
    return out;
  }
  std::vector<uint32_t> chunks;  // base-10^9 digits, least significant first
  chunks.reserve(limbs.size() * 32 / 29 + 1);
  while (!limbs.empty()) {
    uint64_t rem = 0;
    for (size_t i = limbs.size(); i-- > 0;) {
      uint64_t cur = (rem << 32) | limbs[i];
      limbs[i] = static_cast<uint32_t>(cur / 1000000000u);
      rem = cur % 1000000000u;
    }
    chunks.push_back(static_cast<uint32_t>(rem));
    while (!limbs.empty() && limbs.back() == 0) limbs.pop_back();
  }
  std::string out;
  out.reserve(chunks.size() * 9 + 1);
  if (neg) out += '-';
  out += std::to_string(chunks.back());
  for (size_t i = chunks.size() - 1; i-- > 0;) {
    char buf[9];
    uint32_t v = chunks[i];
    for (int k = 8; k >= 0; --k) {
      buf[k] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    out.append(buf, 9);
  }
  return out;
}

// ---- the stack emulation -----------------------------------------------------------------------

// pickletools' stack object kinds; only "mark" matters for the checks, the names appear in the
// "stack not empty after STOP" message.
enum Kind : uint8_t {
  kAny,
  kIntOrBool,
  kInt,
  kBytesOrStr,
  kBytesK,
  kBytearrayK,
  kBufferK,
  kNoneK,
  kBoolK,
  kStrK,
  kFloatK,
  kListK,
  kTupleK,
  kDictK,
  kSetK,
  kFrozensetK,
  kMarkK,
};

constexpr const char* kKindNames[] = {"any",  "int_or_bool", "int",   "bytes_or_str", "bytes", "bytearray",
                                      "buffer", "None",      "bool",  "str",          "float", "list",
                                      "tuple",  "dict",      "set",   "frozenset",    "mark"};

// An opcode's stack_before / stack_after, reduced to what dis() uses: how many items it pops, where
// (if anywhere) the mark sits in stack_before, and what it pushes.
struct Effect {
  uint8_t pops = 0;
  int8_t mark_at = -1;
  uint8_t pushes = 0;
  Kind push[2] = {kAny, kAny};
};

Effect effect_of(uint8_t byte) {
  auto push1 = [](Kind k, uint8_t pops = 0) {
    Effect e;
    e.pops = pops;
    e.pushes = 1;
    e.push[0] = k;
    return e;
  };
  auto marked = [](int8_t mark_at, uint8_t pops, Kind k, bool pushes) {
    Effect e;
    e.pops = pops;
    e.mark_at = mark_at;
    e.pushes = pushes ? 1 : 0;
    e.push[0] = k;
    return e;
  };
  switch (static_cast<Op>(byte)) {
    case Op::INT: return push1(kIntOrBool);
    case Op::BININT: case Op::BININT1: case Op::BININT2: case Op::LONG: case Op::LONG1: case Op::LONG4:
      return push1(kInt);
    case Op::STRING: case Op::BINSTRING: case Op::SHORT_BINSTRING: return push1(kBytesOrStr);
    case Op::BINBYTES: case Op::SHORT_BINBYTES: case Op::BINBYTES8: return push1(kBytesK);
    case Op::BYTEARRAY8: return push1(kBytearrayK);
    case Op::NEXT_BUFFER: return push1(kBufferK);
    case Op::READONLY_BUFFER: return push1(kBufferK, 1);
    case Op::NONE: return push1(kNoneK);
    case Op::NEWTRUE: case Op::NEWFALSE: return push1(kBoolK);
    case Op::UNICODE: case Op::SHORT_BINUNICODE: case Op::BINUNICODE: case Op::BINUNICODE8: return push1(kStrK);
    case Op::FLOAT: case Op::BINFLOAT: return push1(kFloatK);
    case Op::EMPTY_LIST: return push1(kListK);
    case Op::APPEND: return push1(kListK, 2);
    case Op::APPENDS: return marked(1, 3, kListK, true);
    case Op::LIST: return marked(0, 2, kListK, true);
    case Op::EMPTY_TUPLE: return push1(kTupleK);
    case Op::TUPLE: return marked(0, 2, kTupleK, true);
    case Op::TUPLE1: return push1(kTupleK, 1);
    case Op::TUPLE2: return push1(kTupleK, 2);
    case Op::TUPLE3: return push1(kTupleK, 3);
    case Op::EMPTY_DICT: return push1(kDictK);
    case Op::DICT: return marked(0, 2, kDictK, true);
    case Op::SETITEM: return push1(kDictK, 3);
    case Op::SETITEMS: return marked(1, 3, kDictK, true);
    case Op::EMPTY_SET: return push1(kSetK);
    case Op::ADDITEMS: return marked(1, 3, kSetK, true);
    case Op::FROZENSET: return marked(0, 2, kFrozensetK, true);
    case Op::POP: return Effect{1, -1, 0, {kAny, kAny}};
    case Op::DUP: return Effect{1, -1, 2, {kAny, kAny}};
    case Op::MARK: return push1(kMarkK);
    case Op::POP_MARK: return marked(0, 2, kAny, false);
    case Op::GET: case Op::BINGET: case Op::LONG_BINGET: return push1(kAny);
    case Op::PUT: case Op::BINPUT: case Op::LONG_BINPUT: return Effect{};
    case Op::MEMOIZE: return push1(kAny, 1);
    case Op::EXT1: case Op::EXT2: case Op::EXT4: return push1(kAny);
    case Op::GLOBAL: return push1(kAny);
    case Op::STACK_GLOBAL: return push1(kAny, 2);
    case Op::REDUCE: case Op::BUILD: case Op::NEWOBJ: return push1(kAny, 2);
    case Op::INST: return marked(0, 2, kAny, true);
    case Op::OBJ: return marked(0, 3, kAny, true);
    case Op::NEWOBJ_EX: return push1(kAny, 3);
    case Op::PROTO: return Effect{};
    case Op::STOP: return Effect{1, -1, 0, {kAny, kAny}};
    case Op::FRAME: return Effect{};
    case Op::PERSID: return push1(kAny);
    case Op::BINPERSID: return push1(kAny, 1);
  }
  return Effect{};
}

// ---- the disassembler --------------------------------------------------------------------------

// An opcode's decoded argument.
struct Arg {
  bool present = false;
  std::string repr;        // repr(arg)
  std::string key;         // memo opcodes: the index as canonical decimal text
};

class Disassembler {
 public:
  Disassembler(ByteView data, std::ostream& out) : data_(data), out_(out) {}

  void run() {
    try {
      loop();
    } catch (...) {
      flush();
      throw;
    }
    flush();
  }

 private:
  // ---- errors
  [[noreturn]] void fail(ErrorCode code, std::string message) const {
    throw Error(code, std::move(message), op_pos_, op_);
  }
  [[noreturn]] void fail(Failure f) const { fail(f.code, std::move(f.message)); }

  // ---- input
  uint64_t left() const { return data_.size() - pos_; }
  const uint8_t* take(uint64_t n) {
    const uint8_t* p = data_.data() + pos_;
    pos_ += n;
    return p;
  }
  uint64_t fixed(int n, const char* what) {
    if (left() < static_cast<uint64_t>(n)) {
      pos_ = data_.size();
      fail(ErrorCode::kTruncated, std::string("not enough data in stream to read ") + what);
    }
    const uint8_t* p = take(n);
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t{p[i]} << (8 * i);
    return v;
  }
  // A counted payload of n bytes (n already known to be non-negative and <= sys.maxsize).
  const uint8_t* counted(uint64_t n, const char* what) {
    if (left() < n) {
      fail(ErrorCode::kTruncated, "expected " + std::to_string(n) + " bytes in a " + what + ", but only " +
                                      std::to_string(left()) + " remain");
    }
    return take(n);
  }
  uint64_t unsigned_count(int n, const char* uint_name, const char* what) {
    uint64_t v = fixed(n, uint_name);
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      fail(ErrorCode::kBadLength, std::string(what) + " byte count > sys.maxsize: " + std::to_string(v));
    return v;
  }
  uint64_t signed_count(const char* what) {
    auto v = static_cast<int32_t>(static_cast<uint32_t>(fixed(4, "int4")));
    if (v < 0) fail(ErrorCode::kBadLength, std::string(what) + " byte count < 0: " + std::to_string(v));
    return static_cast<uint64_t>(v);
  }
  // The bytes up to the next newline (which is consumed).
  std::string_view line(const char* what) {
    const uint8_t* p = data_.data() + pos_;
    const void* nl = std::memchr(p, '\n', left());
    if (!nl) {
      pos_ = data_.size();
      fail(ErrorCode::kTruncated, std::string("no newline found when trying to read ") + what);
    }
    size_t len = static_cast<size_t>(static_cast<const uint8_t*>(nl) - p);
    pos_ += len + 1;
    return {reinterpret_cast<const char*>(p), len};
  }
  // read_stringnl(f, decode=True, stripquotes=False): escape-decoded ASCII text of a line.
  std::string text_line() {
    std::string_view s = line("stringnl");
    std::string text;
    Failure f;
    if (!escape_decode_ascii(s, text, f)) fail(std::move(f));
    return text;
  }
  std::string int_line(bool strip_l) {
    std::string_view s = line("stringnl");
    if (strip_l && !s.empty() && s.back() == 'L') s.remove_suffix(1);
    std::string v;
    Failure f;
    if (!parse_py_int(s, v, f)) fail(std::move(f));
    return v;
  }

  Arg read_arg(ArgKind kind) {
    Arg a;
    a.present = kind != ArgKind::kNone;
    Failure f;
    switch (kind) {
      case ArgKind::kNone:
        break;
      case ArgKind::kUint1:
        a.repr = std::to_string(fixed(1, "uint1"));
        break;
      case ArgKind::kUint2:
        a.repr = std::to_string(fixed(2, "uint2"));
        break;
      case ArgKind::kUint4:
        a.repr = std::to_string(fixed(4, "uint4"));
        break;
      case ArgKind::kUint8:
        a.repr = std::to_string(fixed(8, "uint8"));
        break;
      case ArgKind::kInt4:
        a.repr = std::to_string(static_cast<int32_t>(static_cast<uint32_t>(fixed(4, "int4"))));
        break;
      case ArgKind::kLong1:
      case ArgKind::kLong4: {
        uint64_t n;
        if (kind == ArgKind::kLong1) {
          n = fixed(1, "uint1");
        } else {
          n = signed_count("long4");
        }
        if (left() < n) {
          pos_ = data_.size();
          fail(ErrorCode::kTruncated,
               std::string("not enough data in stream to read ") + (kind == ArgKind::kLong1 ? "long1" : "long4"));
        }
        const uint8_t* p = take(n);
        a.repr = long_repr(p, static_cast<size_t>(n));
        break;
      }
      case ArgKind::kDecimalNlShort: {
        std::string_view s = line("stringnl");
        // pickletools reads "00" and "01" as False and True.
        if (s == "00" || s == "01") {
          a.repr = s == "00" ? "False" : "True";
          a.key = s == "00" ? "0" : "1";
          break;
        }
        pos_ -= s.size() + 1;
        a.repr = a.key = int_line(false);
        break;
      }
      case ArgKind::kDecimalNlLong:
        a.repr = int_line(true);
        break;
      case ArgKind::kFloatNl: {
        std::string_view s = line("stringnl");
        double v;
        if (!parse_py_float(s, v)) {
          std::string r = repr_bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
          fail(ErrorCode::kBadArgument, "could not convert string to float: " + r);
        }
        a.repr = float_repr(v);
        break;
      }
      case ArgKind::kFloat8: {
        if (left() < 8) {
          pos_ = data_.size();
          fail(ErrorCode::kTruncated, "not enough data in stream to read float8");
        }
        const uint8_t* p = take(8);
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits = (bits << 8) | p[i];
        double v;
        std::memcpy(&v, &bits, sizeof v);
        a.repr = float_repr(v);
        break;
      }
      case ArgKind::kStringNl: {
        std::string_view s = line("stringnl");
        std::string_view body;
        bool quoted = false;
        for (char q : {'"', '\''}) {
          if (!s.empty() && s.front() == q) {
            if (s.back() != q) {
              std::string qs(1, q);
              auto r = repr_bytes(reinterpret_cast<const uint8_t*>(qs.data()), 1);
              fail(ErrorCode::kBadArgument, "strinq quote " + r + " not found at both ends of " +
                                                repr_bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
            }
            body = s.size() >= 2 ? s.substr(1, s.size() - 2) : std::string_view{};
            quoted = true;
            break;
          }
        }
        if (!quoted)
          fail(ErrorCode::kBadArgument,
               "no string quotes around " + repr_bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
        std::string text;
        if (!escape_decode_ascii(body, text, f)) fail(std::move(f));
        a.repr = repr_latin1(reinterpret_cast<const uint8_t*>(text.data()), text.size());
        break;
      }
      case ArgKind::kStringNlNoEscape: {
        std::string text = text_line();
        a.repr = repr_latin1(reinterpret_cast<const uint8_t*>(text.data()), text.size());
        break;
      }
      case ArgKind::kStringNlPair: {
        std::string text = text_line();
        text += ' ';
        text += text_line();
        a.repr = repr_latin1(reinterpret_cast<const uint8_t*>(text.data()), text.size());
        break;
      }
      case ArgKind::kString1: {
        uint64_t n = fixed(1, "uint1");
        const uint8_t* p = counted(n, "string1");
        a.repr = repr_latin1(p, static_cast<size_t>(n));
        break;
      }
      case ArgKind::kString4: {
        uint64_t n = signed_count("string4");
        const uint8_t* p = counted(n, "string4");
        a.repr = repr_latin1(p, static_cast<size_t>(n));
        break;
      }
      case ArgKind::kBytes1:
      case ArgKind::kBytes4:
      case ArgKind::kBytes8:
      case ArgKind::kBytearray8: {
        uint64_t n;
        const char* what;
        if (kind == ArgKind::kBytes1) {
          n = fixed(1, "uint1");
          what = "bytes1";
        } else if (kind == ArgKind::kBytes4) {
          n = fixed(4, "uint4");
          what = "bytes4";
        } else {
          what = kind == ArgKind::kBytes8 ? "bytes8" : "bytearray8";
          n = unsigned_count(8, "uint8", what);
        }
        const uint8_t* p = counted(n, what);
        if (kind == ArgKind::kBytearray8) {
          a.repr = "bytearray(" + repr_bytes(p, static_cast<size_t>(n), true) + ")";
        } else {
          a.repr = repr_bytes(p, static_cast<size_t>(n));
        }
        break;
      }
      case ArgKind::kUnicodeNl: {
        std::string_view s = line("unicodestringnl");
        std::u32string text;
        if (!raw_unicode_escape_decode(s, text, f)) fail(std::move(f));
        a.repr = repr_codepoints(text);
        break;
      }
      case ArgKind::kUnicode1:
      case ArgKind::kUnicode4:
      case ArgKind::kUnicode8: {
        uint64_t n;
        const char* what;
        if (kind == ArgKind::kUnicode1) {
          n = fixed(1, "uint1");
          what = "unicodestring1";
        } else if (kind == ArgKind::kUnicode4) {
          n = fixed(4, "uint4");
          what = "unicodestring4";
        } else {
          what = "unicodestring8";
          n = unsigned_count(8, "uint8", what);
        }
        const uint8_t* p = counted(n, what);
        bool ok = false;
        a.repr = repr_utf8(p, static_cast<size_t>(n), f, ok);
        if (!ok) fail(std::move(f));
        break;
      }
    }
    if (a.key.empty() && a.present) a.key = a.repr;
    return a;
  }

  // ---- memo: pickletools keeps a dict from int to the stored stack object
  bool memo_find(const std::string& key, Kind* kind) const {
    uint64_t small;
    if (small_key(key, &small)) {
      auto it = memo_small_.find(small);
      if (it == memo_small_.end()) return false;
      if (kind) *kind = it->second;
      return true;
    }
    auto it = memo_big_.find(key);
    if (it == memo_big_.end()) return false;
    if (kind) *kind = it->second;
    return true;
  }
  void memo_store(const std::string& key, Kind kind) {
    uint64_t small;
    if (small_key(key, &small)) {
      memo_small_[small] = kind;
    } else {
      memo_big_[key] = kind;
    }
  }
  uint64_t memo_size() const { return memo_small_.size() + memo_big_.size(); }
  static bool small_key(const std::string& key, uint64_t* v) {
    if (key.empty() || key[0] == '-' || key.size() > 19) return false;
    uint64_t x = 0;
    for (char c : key) x = x * 10 + static_cast<uint64_t>(c - '0');
    *v = x;
    return true;
  }

  // ---- output
  void flush() {
    if (!buf_.empty()) {
      out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
      buf_.clear();
    }
  }
  void maybe_flush() {
    if (buf_.size() >= (1u << 16)) flush();
  }

  void loop() {
    for (;;) {
      while (next_skip_ < skips_.size() && skips_[next_skip_].begin == pos_) {
        const internal::SkipRange& r = skips_[next_skip_++];
        std::string pos_text = std::to_string(pos_);
        if (pos_text.size() < 5) buf_.append(5 - pos_text.size(), ' ');
        buf_ += pos_text + ": [" + r.label + "]\n";
        pos_ = std::min<uint64_t>(r.end, data_.size());
      }
      op_pos_ = pos_;
      op_ = Error::kNoOpcode;
      if (pos_ >= data_.size()) {
        fail(pos_ == 0 ? ErrorCode::kTruncated : ErrorCode::kNoStop, "pickle exhausted before seeing STOP");
      }
      const uint8_t byte = data_[pos_++];
      op_ = byte;  // reported as "byte 0xNN" when it is no opcode
      const OpcodeInfo& info = internal::opcode_info(byte);
      if (!info.name) {
        fail(ErrorCode::kUnknownOpcode,
             "at position " + std::to_string(op_pos_) + ", opcode " + repr_bytes(&byte, 1) + " unknown");
      }
      const Op op = static_cast<Op>(byte);
      Arg arg = read_arg(info.arg);

      // print("%5d:" % pos, end=' ') comes first; the rest of the line is built apart and printed
      // once complete, as pickletools does.
      std::string pos_text = std::to_string(op_pos_);
      if (pos_text.size() < 5) buf_.append(5 - pos_text.size(), ' ');
      buf_ += pos_text;
      buf_ += ": ";
      // "%-4s %s%s" % (repr(code)[1:-1], indent, name)
      std::string line;
      put_str_char(line, byte, '\'');
      if (line.size() < 4) line.append(4 - line.size(), ' ');
      line += ' ';
      line.append(4 * markstack_.size(), ' ');
      line += info.name;

      maxproto_ = std::max<int>(maxproto_, info.proto);
      Effect e = effect_of(byte);
      size_t numtopop = e.pops;
      std::string markmsg;
      ErrorCode err_code = ErrorCode::kBadArgument;
      std::string errmsg;

      if (e.mark_at >= 0 || (op == Op::POP && !stack_.empty() && stack_.back() == kMarkK)) {
        if (!markstack_.empty()) {
          markmsg = "(MARK at " + std::to_string(markstack_.back()) + ")";
          markstack_.pop_back();
          // Pop everything down to and including the topmost mark. A mark that an ordinary opcode
          // consumed leaves markstack with no mark on the stack: Python's loop then indexes an
          // empty list (IndexError) after having printed the offset column.
          while (!stack_.empty() && stack_.back() != kMarkK) stack_.pop_back();
          if (stack_.empty()) fail(ErrorCode::kMarkMisuse, "list index out of range");
          stack_.pop_back();
          numtopop = e.mark_at >= 0 ? static_cast<size_t>(e.mark_at) : 0;
        } else {
          errmsg = markmsg = "no MARK exists on stack";
          err_code = ErrorCode::kMarkMisuse;
        }
      }

      Kind pushed_from_memo = kAny;
      bool memo_push = false;
      if (op == Op::PUT || op == Op::BINPUT || op == Op::LONG_BINPUT || op == Op::MEMOIZE) {
        std::string key;
        if (op == Op::MEMOIZE) {
          key = std::to_string(memo_size());
          markmsg = "(as " + key + ")";
        } else {
          key = arg.key;
        }
        if (memo_find(key, nullptr)) {
          errmsg = "memo key " + (arg.present ? arg.repr : std::string("None")) + " already defined";
          err_code = ErrorCode::kBadMemoIndex;
        } else if (stack_.empty()) {
          errmsg = "stack is empty -- can't store into memo";
          err_code = ErrorCode::kStackUnderflow;
        } else if (stack_.back() == kMarkK) {
          errmsg = "can't store markobject in the memo";
          err_code = ErrorCode::kMarkMisuse;
        } else {
          memo_store(key, static_cast<Kind>(stack_.back()));
        }
      } else if (op == Op::GET || op == Op::BINGET || op == Op::LONG_BINGET) {
        if (memo_find(arg.key, &pushed_from_memo)) {
          memo_push = true;
        } else {
          errmsg = "memo key " + arg.repr + " has never been stored into";
          err_code = ErrorCode::kMemoMissing;
        }
      }

      if (arg.present || !markmsg.empty()) {
        size_t name_len = std::strlen(info.name);
        if (name_len < 10) line.append(10 - name_len, ' ');
        if (arg.present) {
          line += ' ';
          line += arg.repr;
        }
        if (!markmsg.empty()) {
          line += ' ';
          line += markmsg;
        }
      }
      buf_ += line;
      buf_ += '\n';
      maybe_flush();

      if (!errmsg.empty()) fail(err_code, std::move(errmsg));

      if (stack_.size() < numtopop) {
        fail(ErrorCode::kStackUnderflow, "tries to pop " + std::to_string(numtopop) + " items from stack with only " +
                                             std::to_string(stack_.size()) + " items");
      }
      stack_.erase(stack_.end() - static_cast<std::ptrdiff_t>(numtopop), stack_.end());
      if (op == Op::MARK) markstack_.push_back(op_pos_);
      if (memo_push) {
        stack_.push_back(pushed_from_memo);
      } else {
        for (int i = 0; i < e.pushes; ++i) stack_.push_back(e.push[i]);
      }
      if (op == Op::STOP) break;
    }

    buf_ += "highest protocol among opcodes = " + std::to_string(maxproto_) + "\n";
    if (!stack_.empty()) {
      std::string m = "stack not empty after STOP: [";
      constexpr size_t kShown = 100;  // Python lists them all; the message stays readable here
      for (size_t i = 0; i < stack_.size() && i < kShown; ++i) {
        if (i) m += ", ";
        m += kKindNames[stack_[i]];
      }
      if (stack_.size() > kShown) m += ", ...";
      m += "]";
      fail(ErrorCode::kBadOperand, std::move(m));
    }
  }

  ByteView data_;
  std::ostream& out_;
  uint64_t pos_ = 0;
  uint64_t op_pos_ = 0;
  int op_ = Error::kNoOpcode;
  std::string buf_;
  std::vector<uint8_t> stack_;  // Kind per item
  std::vector<uint64_t> markstack_;
  std::unordered_map<uint64_t, Kind> memo_small_;
  std::map<std::string, Kind> memo_big_;
  int maxproto_ = -1;

 public:
  std::vector<internal::SkipRange> skips_;
  size_t next_skip_ = 0;
};

}  // namespace

void disassemble(ByteView data, std::ostream& out) { Disassembler(data, out).run(); }

namespace internal {
void disassemble_with_skips(ByteView data, std::ostream& out, const std::vector<SkipRange>& skips) {
  Disassembler d(data, out);
  d.skips_ = skips;
  d.run();
}
}  // namespace internal

}  // namespace picklejar
