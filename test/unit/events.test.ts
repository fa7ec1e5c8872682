// events.jsonl: the observer's record format, and the timeline the checkers read from it.
import assert from "node:assert/strict";
import { Timeline } from "../../checkers/observed.js";
import { EventsParseError, eventToLine, parseEvents, type ObsEvent } from "../../history/events.js";
import { ObsRecord, sec } from "../support/observed.js";

describe("events.jsonl", () => {
  it("round-trips, drops a torn last line, and names a bad line", () => {
    const events = new ObsRecord({ stop: 5 }).ev(1, "s1", "+sdown", "master mymaster 127.0.0.11 7001").events;
    const text = events.map(eventToLine).join("");
    assert.deepEqual(parseEvents(text), events);
    assert.deepEqual(parseEvents(text + '{"kind":"info","ti'), events);
    assert.throws(() => parseEvents('{"kind":"info","time":1}\n{"kind":"bogus","time":2}\n\n', "e.jsonl"), (e: unknown) => {
      assert.ok(e instanceof EventsParseError);
      assert.equal(e.message, 'e.jsonl:2: unknown kind "bogus"');
      return true;
    });
    assert.throws(() => parseEvents('{"kind":"info"}\n{}\n'), /events\.jsonl:1: field 'time' must be a number/);
  });

  it("the timeline knows when the observer was not listening", () => {
    const rec = new ObsRecord({ stop: 20 }).link(5, "s1", "events", "down").link(7, "s1", "events", "up");
    const tl = new Timeline(rec.events as ObsEvent[]);
    assert.equal(tl.covered("s1", "events", sec(1), sec(4)), true);
    assert.equal(tl.covered("s1", "events", sec(1), sec(6)), false);
    assert.deepEqual(tl.gaps("s1", "events", sec(1), sec(10)), [[sec(5), sec(7)]]);
    assert.deepEqual(tl.gaps("s2", "events", sec(15), sec(25)), [[sec(20), sec(25)]], "nothing after the observer stopped");
    assert.deepEqual(tl.gaps("s3", "events", 0, sec(2)), [[0, 1e6]], "before the subscription came up");
    assert.equal(tl.node("127.0.0.12:7002"), "n2");
  });
});
