#include "common/console/escape.h"

#include <gtest/gtest.h>

#include <ostream>

namespace ij::console {

// Readable failures: "data(\"a&\")", "detach".
void PrintTo(const EscapeEvent& e, std::ostream* os) {
  switch (e.kind) {
    case EscapeEvent::Kind::data: *os << "data(" << ::testing::PrintToString(e.bytes) << ")"; break;
    case EscapeEvent::Kind::detach: *os << "detach"; break;
    case EscapeEvent::Kind::send_break: *os << "send_break"; break;
    case EscapeEvent::Kind::help: *os << "help"; break;
    case EscapeEvent::Kind::take_keyboard: *os << "take_keyboard"; break;
    case EscapeEvent::Kind::give_keyboard: *os << "give_keyboard"; break;
    case EscapeEvent::Kind::replay: *os << "replay"; break;
    case EscapeEvent::Kind::who: *os << "who"; break;
  }
}

namespace {

using Events = std::vector<EscapeEvent>;
using Kind = EscapeEvent::Kind;

EscapeEvent data(std::string bytes) { return {Kind::data, std::move(bytes)}; }
const EscapeEvent kDetach{Kind::detach, {}};
const EscapeEvent kBreak{Kind::send_break, {}};
const EscapeEvent kHelp{Kind::help, {}};

Events feed(std::string_view input) {
  EscapeFilter f;
  return f.feed(input);
}

TEST(Escape, PlainInputPassesThrough) {
  EXPECT_EQ(feed("ls -l\r"), (Events{data("ls -l\r")}));
}

TEST(Escape, EmptyInput) {
  EscapeFilter f;
  EXPECT_EQ(f.feed(""), Events{});
  EXPECT_EQ(f.feed("&"), Events{});
  EXPECT_EQ(f.feed(""), Events{});  // an empty read does not answer a pending '&'
  EXPECT_EQ(f.feed("."), (Events{kDetach}));
}

TEST(Escape, EveryEscape) {
  EXPECT_EQ(feed("&."), (Events{kDetach}));
  EXPECT_EQ(feed("&B"), (Events{kBreak}));
  EXPECT_EQ(feed("&?"), (Events{kHelp}));
  EXPECT_EQ(feed("&&"), (Events{data("&")}));
  EXPECT_EQ(feed("&F"), (Events{{Kind::take_keyboard, {}}}));
  EXPECT_EQ(feed("&M"), (Events{{Kind::give_keyboard, {}}}));
  EXPECT_EQ(feed("&L"), (Events{{Kind::replay, {}}}));
  EXPECT_EQ(feed("&I"), (Events{{Kind::who, {}}}));
}

TEST(Escape, AmpersandThenOtherCharSendsBoth) {
  EXPECT_EQ(feed("&x"), (Events{data("&x")}));
  EXPECT_EQ(feed("&b"), (Events{data("&b")}));  // only capital B is a break
  EXPECT_EQ(feed("a&\rb"), (Events{data("a&\rb")}));
  EXPECT_EQ(feed("&&."), (Events{data("&.")}));  // "&&" is a literal '&', which escapes nothing
  EXPECT_EQ(feed("&&&."), (Events{data("&"), kDetach}));
}

TEST(Escape, AmpersandSplitAcrossChunks) {
  EscapeFilter f;
  EXPECT_EQ(f.feed("abc&"), (Events{data("abc")}));
  EXPECT_EQ(f.feed(".rest"), (Events{kDetach}));

  EscapeFilter g;
  EXPECT_EQ(g.feed("&"), Events{});
  EXPECT_EQ(g.feed("&"), (Events{data("&")}));
  EXPECT_EQ(g.feed("&"), Events{});
  EXPECT_EQ(g.feed("x&"), (Events{data("&x")}));
  EXPECT_EQ(g.feed("B"), (Events{kBreak}));
  EXPECT_EQ(g.feed("&"), Events{});
  EXPECT_EQ(g.feed("?y"), (Events{kHelp, data("y")}));
}

TEST(Escape, DataAroundBreakInOrder) {
  EXPECT_EQ(feed("before&Bafter"), (Events{data("before"), kBreak, data("after")}));
  EXPECT_EQ(feed("a&Bb&Bc&?d"), (Events{data("a"), kBreak, data("b"), kBreak, data("c"), kHelp, data("d")}));
  EXPECT_EQ(feed("&B&B"), (Events{kBreak, kBreak}));
  EXPECT_EQ(feed("x&&y&zw"), (Events{data("x&y&zw")}));  // adjacent data is one event
}

TEST(Escape, NothingAfterDetach) {
  EscapeFilter f;
  EXPECT_FALSE(f.detached());
  EXPECT_EQ(f.feed("bye&.&Bmore"), (Events{data("bye"), kDetach}));
  EXPECT_TRUE(f.detached());
  EXPECT_EQ(f.feed("later&B"), Events{});
}

TEST(Escape, BinaryBytesPassThrough) {
  const std::string bytes("\x00\xff\x1b[A\x00", 6);
  EXPECT_EQ(feed(bytes), (Events{data(bytes)}));
  EXPECT_EQ(feed(std::string("&\x00&\xff", 4)), (Events{data(std::string("&\x00&\xff", 4))}));
}

TEST(Escape, HelpTextNamesEveryEscape) {
  for (const EscapeKey& key : kEscapes)
    EXPECT_NE(std::string_view(kEscapeHelp).find(std::string{kEscapeChar, key.ch}), std::string_view::npos) << key.ch;
}

}  // namespace
}  // namespace ij::console
