import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { INTENT_SCHEMAS, type IntentName } from '../../src/agent/intents.ts';
import { evaluate, loadEvalSet, parseNumber, understand, type UnderstandingContext } from '../../src/agent/understanding/index.ts';

/** The intent and slots understood, for compact assertions. */
function read(text: string, context?: UnderstandingContext): { intent: IntentName; slots: unknown } {
  const u = understand(text, context);
  return { intent: u.intent.intent, slots: u.intent.slots };
}

const FOOD_RESULTS: UnderstandingContext = { lastIntent: 'find_food', hasResults: true };
const PARKING_RESULTS: UnderstandingContext = { lastIntent: 'find_parking', hasResults: true };

test('takes the destination after "take me to" and "导航到", cleaned of fillers', () => {
  assert.deepEqual(read("Take me to People's Square, please"), { intent: 'navigate', slots: { destination: "People's Square" } });
  assert.deepEqual(read('uh, could you navigate to, um, Zhongshan Park'), { intent: 'navigate', slots: { destination: 'Zhongshan Park' } });
  assert.deepEqual(read('导航到人民广场吧'), { intent: 'navigate', slots: { destination: '人民广场' } });
  assert.deepEqual(read('麻烦带我去第一人民医院好吗'), { intent: 'navigate', slots: { destination: '第一人民医院' } });
  assert.deepEqual(read('淮海路怎么走'), { intent: 'navigate', slots: { destination: '淮海路' } });
});

test('reads traditional characters and full-width text as simplified', () => {
  assert.deepEqual(read('導航到中山公園'), { intent: 'navigate', slots: { destination: '中山公园' } });
  assert.deepEqual(read('停車場在哪裡？'), { intent: 'find_parking', slots: {} });
  assert.deepEqual(read('ｔａｋｅ ｍｅ ｈｏｍｅ'), { intent: 'navigate', slots: { destination: 'home' } });
});

test('understands mixed Chinese and English', () => {
  assert.deepEqual(read('导航去Oak Road'), { intent: 'navigate', slots: { destination: 'Oak Road' } });
  assert.deepEqual(read('找个parking'), { intent: 'find_parking', slots: {} });
  assert.deepEqual(read('附近有没有好吃的hot pot'), { intent: 'find_food', slots: { near: { kind: 'here' }, cuisine: 'hot_pot' } });
  assert.equal(understand('找个parking').language, 'zh');
  assert.equal(understand('find parking').language, 'en');
});

test('names saved places and the nearest of a category', () => {
  assert.deepEqual(read('回家'), { intent: 'navigate', slots: { destination: 'home' } });
  assert.deepEqual(read('bring me back to the office'), { intent: 'navigate', slots: { destination: 'work' } });
  assert.deepEqual(read("where's the nearest gas station"), { intent: 'navigate', slots: { nearest: 'fuel' } });
  assert.deepEqual(read('带我去最近的医院'), { intent: 'navigate', slots: { nearest: 'hospital' } });
  assert.deepEqual(read('我想上厕所'), { intent: 'navigate', slots: { nearest: 'toilets' } });
});

test('hears whether to avoid highways', () => {
  assert.deepEqual(read('drive to Willow Street but avoid highways'), { intent: 'navigate', slots: { destination: 'Willow Street', avoidHighways: true } });
  assert.deepEqual(read('去城南站，走高速'), { intent: 'navigate', slots: { destination: '城南站', avoidHighways: false } });
  assert.deepEqual(read('以后都不走高速'), { intent: 'set_preference', slots: { avoidHighways: true } });
});

test('asks for the destination when a navigation request has none', () => {
  const u = understand('开始导航');
  assert.equal(u.intent.intent, 'navigate');
  assert.deepEqual(u.missing, ['destination']);
  assert.deepEqual(understand('take me to Zhongshan Park').missing, []);
});

test('edits the stops of a trip', () => {
  assert.deepEqual(read('put a stop at Wutong Li Mall before the second stop'), {
    intent: 'add_stop',
    slots: { place: 'Wutong Li Mall', before: { kind: 'ordinal', index: 2 } },
  });
  assert.deepEqual(read('在第二站之前加一个药店'), { intent: 'add_stop', slots: { place: '药店', before: { kind: 'ordinal', index: 2 } } });
  assert.deepEqual(read('skip the last stop'), { intent: 'remove_stop', slots: { stop: { kind: 'ordinal', index: -1 } } });
  assert.deepEqual(read('中山公园不去了'), { intent: 'remove_stop', slots: { stop: { kind: 'name', name: '中山公园' } } });
  assert.deepEqual(read('optimize the order of my stops'), { intent: 'reorder_stops', slots: { optimise: true } });
  assert.deepEqual(read('把药店挪到最后'), { intent: 'reorder_stops', slots: { stop: { kind: 'name', name: '药店' }, toPosition: -1 } });
});

test('plans a meal stop with its meal, time and cuisine', () => {
  assert.deepEqual(read('stop for lunch around 12:30'), { intent: 'meal_stop', slots: { meal: 'lunch', at: { kind: 'clock', time: '12:30' } } });
  assert.deepEqual(read('晚上七点左右找个地方吃火锅当晚饭'), {
    intent: 'meal_stop',
    slots: { meal: 'dinner', at: { kind: 'clock', time: '19:00' }, cuisine: 'hot_pot' },
  });
  // A bare hour follows the meal: dinner at 7 is 19:00, lunch at 1 is 13:00.
  assert.deepEqual(read("let's break for dinner at 7"), { intent: 'meal_stop', slots: { meal: 'dinner', at: { kind: 'clock', time: '19:00' } } });
  assert.deepEqual(read('plan lunch at 1'), { intent: 'meal_stop', slots: { meal: 'lunch', at: { kind: 'clock', time: '13:00' } } });
});

test('reads clock times and times from now in both languages', () => {
  const at = (text: string, context?: UnderstandingContext) => {
    const slots = understand(text, context).intent.slots as { at?: unknown; openAt?: unknown };
    return slots.at ?? slots.openAt;
  };
  assert.deepEqual(at('晚上7点吃晚饭'), { kind: 'clock', time: '19:00' });
  assert.deepEqual(at('下午三点半停下来吃饭'), { kind: 'clock', time: '15:30' });
  assert.deepEqual(at('stop for dinner at 7 pm'), { kind: 'clock', time: '19:00' });
  assert.deepEqual(at('Japanese food open around 19:00'), { kind: 'clock', time: '19:00' });
  assert.deepEqual(at('半小时后吃午饭'), { kind: 'in', minutes: 30 });
  assert.deepEqual(at('lunch stop in half an hour'), { kind: 'in', minutes: 30 });
  assert.deepEqual(at('a snack break in 20 minutes'), { kind: 'in', minutes: 20 });
  assert.deepEqual(at('一个半小时后停车吃午饭'), { kind: 'in', minutes: 90 });
  // Without a meal or am/pm, the next such hour after now.
  assert.deepEqual(at('any still open at 11', { ...FOOD_RESULTS, timeZoneNow: { hour: 20, minute: 0 } }), { kind: 'clock', time: '23:00' });
  assert.deepEqual(at('any still open at 11', { ...FOOD_RESULTS, timeZoneNow: { hour: 8, minute: 0 } }), { kind: 'clock', time: '11:00' });
});

test('parses Chinese and English numerals', () => {
  assert.equal(parseNumber('十五'), 15);
  assert.equal(parseNumber('二十五'), 25);
  assert.equal(parseNumber('一百'), 100);
  assert.equal(parseNumber('两百五'), 250);
  assert.equal(parseNumber('一千五'), 1500);
  assert.equal(parseNumber('一百零五'), 105);
  assert.equal(parseNumber('两'), 2);
  assert.equal(parseNumber('twenty five'), 25);
  assert.equal(parseNumber('one hundred and twenty'), 120);
});

test('reads prices per hour, stays and walking distances for parking', () => {
  assert.deepEqual(read('每小时二十五块以内的停车场'), { intent: 'find_parking', slots: { maxPricePerHour: 25 } });
  assert.deepEqual(read('parking under 10 bucks an hour'), { intent: 'find_parking', slots: { maxPricePerHour: 10 } });
  assert.deepEqual(read('parking for twenty-five yuan per hour or less'), { intent: 'find_parking', slots: { maxPricePerHour: 25 } });
  assert.deepEqual(read('underground parking near here under 12 RMB an hr for 2 hours'), {
    intent: 'find_parking',
    slots: { near: { kind: 'here' }, covered: true, maxPricePerHour: 12, stayMinutes: 120 },
  });
  assert.deepEqual(read('目的地附近停车，停一个半小时'), { intent: 'find_parking', slots: { near: { kind: 'destination' }, stayMinutes: 90 } });
  assert.deepEqual(read('目的地五百米以内的停车场'), { intent: 'find_parking', slots: { near: { kind: 'destination' }, maxWalkM: 500 } });
  assert.deepEqual(read('a car park within half a mile of the destination'), { intent: 'find_parking', slots: { near: { kind: 'destination' }, maxWalkM: 805 } });
  assert.deepEqual(read('find me free parking nearby'), { intent: 'find_parking', slots: { near: { kind: 'here' }, maxPricePerHour: 0 } });
});

test('centres a search on here, the destination, the route or a named place', () => {
  assert.deepEqual(read('附近有什么好吃的'), { intent: 'find_food', slots: { near: { kind: 'here' } } });
  assert.deepEqual(read('目的地附近有便宜的面馆吗'), { intent: 'find_food', slots: { near: { kind: 'destination' }, cuisine: 'noodle', cheap: true } });
  assert.deepEqual(read('restaurants along the route'), { intent: 'find_food', slots: { near: { kind: 'route' } } });
  assert.deepEqual(read('I need a parking spot near People\'s Square'), { intent: 'find_parking', slots: { near: { kind: 'place', name: "People's Square" } } });
  assert.deepEqual(read('人民广场附近哪里能停车'), { intent: 'find_parking', slots: { near: { kind: 'place', name: '人民广场' } } });
});

test('finds food by cuisine, detour, opening time and distance', () => {
  assert.deepEqual(read('find a Sichuan restaurant nearby'), { intent: 'find_food', slots: { near: { kind: 'here' }, cuisine: 'sichuan' } });
  assert.deepEqual(read('绕路不超过十分钟的火锅'), { intent: 'find_food', slots: { cuisine: 'hot_pot', maxDetourMinutes: 10 } });
  assert.deepEqual(read('晚上十点还开着的烧烤'), { intent: 'find_food', slots: { cuisine: 'barbecue', openAt: { kind: 'clock', time: '22:00' } } });
  assert.deepEqual(read('pizza within 1 km'), { intent: 'find_food', slots: { cuisine: 'pizza', withinM: 1000 } });
  assert.deepEqual(read('一公里以内的披萨'), { intent: 'find_food', slots: { cuisine: 'pizza', withinM: 1000 } });
});

test('keeps street names that contain a cuisine word out of the cuisine slot', () => {
  assert.deepEqual(read('去四川路'), { intent: 'navigate', slots: { destination: '四川路' } });
  assert.deepEqual(read('drive to Beijing Road'), { intent: 'navigate', slots: { destination: 'Beijing Road' } });
});

test('answers the traffic light and trip status questions', () => {
  assert.equal(read('how long until the light turns green').intent, 'traffic_light');
  assert.equal(read('红灯还有几秒').intent, 'traffic_light');
  assert.deepEqual(read("what's my ETA"), { intent: 'trip_status', slots: { aspect: 'eta' } });
  assert.deepEqual(read('还有多远'), { intent: 'trip_status', slots: { aspect: 'distance' } });
  assert.deepEqual(read('下一个路口怎么走'), { intent: 'trip_status', slots: { aspect: 'next_turn' } });
  assert.deepEqual(read('give me a trip update'), { intent: 'trip_status', slots: { aspect: 'all' } });
});

test('remembers and recalls preferences', () => {
  assert.deepEqual(read('I love Sichuan food, remember that'), { intent: 'set_preference', slots: { favouriteCuisine: 'sichuan' } });
  assert.deepEqual(read('停车预算每小时八块'), { intent: 'set_preference', slots: { maxParkingPricePerHour: 8 } });
  assert.deepEqual(read('speak Chinese from now on'), { intent: 'set_preference', slots: { language: 'zh' } });
  assert.deepEqual(read('以后跟我说英文'), { intent: 'set_preference', slots: { language: 'en' } });
  assert.equal(read('what do you remember about me').intent, 'recall_preferences');
  assert.equal(read('我的偏好有哪些').intent, 'recall_preferences');
});

test('cancels navigation or the request', () => {
  assert.deepEqual(read('stop navigation'), { intent: 'cancel', slots: { what: 'navigation' } });
  assert.deepEqual(read('取消导航'), { intent: 'cancel', slots: { what: 'navigation' } });
  assert.deepEqual(read('never mind'), { intent: 'cancel', slots: { what: 'request' } });
  assert.deepEqual(read('算了'), { intent: 'cancel', slots: { what: 'request' } });
});

test('picks a result on screen by position, by name or with "go there"', () => {
  assert.deepEqual(read('the second one', FOOD_RESULTS), { intent: 'select', slots: { item: { kind: 'ordinal', index: 2 } } });
  assert.deepEqual(read('2nd', FOOD_RESULTS), { intent: 'select', slots: { item: { kind: 'ordinal', index: 2 } } });
  assert.deepEqual(read('第二个', FOOD_RESULTS), { intent: 'select', slots: { item: { kind: 'ordinal', index: 2 } } });
  assert.deepEqual(read('最后一个', PARKING_RESULTS), { intent: 'select', slots: { item: { kind: 'ordinal', index: -1 } } });
  assert.deepEqual(read('the last one', PARKING_RESULTS), { intent: 'select', slots: { item: { kind: 'ordinal', index: -1 } } });
  assert.deepEqual(read('take me to the first one', FOOD_RESULTS), { intent: 'select', slots: { item: { kind: 'ordinal', index: 1 }, go: true } });
  assert.deepEqual(read('go there', PARKING_RESULTS), { intent: 'select', slots: { go: true } });
  assert.deepEqual(read('就去那里', PARKING_RESULTS), { intent: 'select', slots: { go: true } });
  assert.deepEqual(read("I'll take the Luigi's one", FOOD_RESULTS), { intent: 'select', slots: { item: { kind: 'name', name: "Luigi's" } } });
});

test('reads "no, the other one" after a question as a correction, not a no', () => {
  const asked: UnderstandingContext = { ...PARKING_RESULTS, awaitingConfirmation: true };
  assert.deepEqual(read('no, the other one', asked), { intent: 'select', slots: { item: { kind: 'other' } } });
  assert.deepEqual(read('另一个', FOOD_RESULTS), { intent: 'select', slots: { item: { kind: 'other' } } });
  assert.deepEqual(read('不是这个，另外那个', asked), { intent: 'select', slots: { item: { kind: 'other' } } });
});

test('refines the last search', () => {
  assert.deepEqual(read('anything cheaper?', FOOD_RESULTS), { intent: 'refine', slots: { cheaper: true } });
  assert.deepEqual(read('what about Italian?', FOOD_RESULTS), { intent: 'refine', slots: { cuisine: 'italian' } });
  assert.deepEqual(read('意大利菜呢', FOOD_RESULTS), { intent: 'refine', slots: { cuisine: 'italian' } });
  assert.deepEqual(read('近一点的', PARKING_RESULTS), { intent: 'refine', slots: { closer: true } });
  assert.deepEqual(read('under 8 an hour?', PARKING_RESULTS), { intent: 'refine', slots: { maxPricePerHour: 8 } });
  assert.deepEqual(read('要室内的', PARKING_RESULTS), { intent: 'refine', slots: { covered: true } });
});

test('answers a confirmation with yes or no', () => {
  const asked: UnderstandingContext = { lastIntent: 'navigate', awaitingConfirmation: true };
  for (const yes of ['yes', 'yeah sure', 'go ahead', 'ok', '是的', '好', '好的', '可以', '没问题', 'OK的']) {
    assert.deepEqual(read(yes, asked), { intent: 'confirm', slots: { yes: true } }, yes);
  }
  for (const no of ['no', 'nope', 'no thanks', 'never mind', '不用了', '不要', '算了吧', '不是']) {
    assert.deepEqual(read(no, asked), { intent: 'confirm', slots: { yes: false } }, no);
  }
});

test('fills the slot Cabin asked for', () => {
  assert.deepEqual(read('Renmin Road', { lastIntent: 'navigate', awaitingSlot: 'destination' }), { intent: 'navigate', slots: { destination: 'Renmin Road' } });
  assert.deepEqual(read('嗯，中山公园', { lastIntent: 'navigate', awaitingSlot: 'destination' }), { intent: 'navigate', slots: { destination: '中山公园' } });
  assert.deepEqual(read('around 12:45', { lastIntent: 'meal_stop', awaitingSlot: 'at' }), { intent: 'meal_stop', slots: { at: { kind: 'clock', time: '12:45' } } });
  // A new request is not an answer.
  assert.equal(read('what is the weather like', { lastIntent: 'navigate', awaitingSlot: 'destination' }).intent, 'out_of_scope');
});

test('declines out-of-scope requests instead of calling a tool', () => {
  const requests = [
    "what's the weather like today", 'tell me a joke', 'play some music', 'call mom', "what's the capital of Australia",
    'who won the game last night', "what's Tesla's share price", 'open the window', 'order a pizza for delivery',
    'play some Italian opera', 'call the Sichuan restaurant', 'what does ETA stand for', 'check my bank balance',
    '今天天气怎么样', '讲个笑话', '放首歌', '给妈妈打电话', '澳大利亚的首都是哪里', '昨晚的比赛谁赢了', '今天股市怎么样',
    '打开车窗', '叫个披萨外卖', '打电话给那家川菜馆', 'ETA是什么意思', '查一下我的银行余额',
  ];
  for (const text of requests) assert.equal(read(text).intent, 'out_of_scope', text);
});

test('is unsure about what it cannot read', () => {
  const u = understand('purple monkey dishwasher');
  assert.equal(u.intent.intent, 'out_of_scope');
  assert.ok(u.confidence < 0.5);
  assert.ok(understand('take me to Zhongshan Park').confidence > 0.7);
  assert.equal(understand('').intent.intent, 'out_of_scope');
});

test('returns slots its intent schema accepts whenever none are missing, for any input', () => {
  const words = [
    'take me to', 'navigate', 'parking', 'near', 'the destination', 'Zhongshan Park', '人民广场', '附近', '停车场', '导航到', 'cheap',
    'under 10 yuan an hour', '每小时十块', 'for 2 hours', 'at 7 pm', '晚上七点', 'in 20 minutes', 'lunch', '午饭', 'stop', 'remove',
    'the second one', '第二个', 'sushi', '火锅', 'yes', '不', 'avoid highways', '不走高速', 'within 500 m', '五百米', 'weather', '?', ',',
  ];
  const contexts: UnderstandingContext[] = [{}, FOOD_RESULTS, PARKING_RESULTS, { lastIntent: 'navigate', awaitingConfirmation: true }, { lastIntent: 'navigate', awaitingSlot: 'destination' }];
  fc.assert(
    fc.property(
      fc.oneof(fc.array(fc.constantFrom(...words), { maxLength: 8 }).map((ws) => ws.join(' ')), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 })),
      fc.constantFrom(...contexts),
      (text, context) => {
        const u = understand(text, context);
        assert.ok(u.confidence >= 0 && u.confidence <= 1);
        if (u.missing.length === 0) {
          const parsed = INTENT_SCHEMAS[u.intent.intent].safeParse(u.intent.slots);
          assert.ok(parsed.success, `${JSON.stringify(text)} → ${JSON.stringify(u.intent)}`);
        }
      },
    ),
    { numRuns: 400 },
  );
});

for (const lang of ['en', 'zh'] as const) {
  test(`meets the targets on the ${lang} evaluation set: intent ≥ 95%, slots ≥ 90%, no out-of-scope request sent to a tool`, () => {
    const path = fileURLToPath(new URL(`../../eval/understanding/${lang}.jsonl`, import.meta.url));
    const set = loadEvalSet(readFileSync(path, 'utf8'), `eval/understanding/${lang}.jsonl`);
    assert.ok(set.length >= 400, `${set.length} utterances`);
    const outOfScope = set.filter((item) => item.intent === 'out_of_scope').length;
    assert.ok(outOfScope / set.length >= 0.15, `${outOfScope} out of scope`);
    const intents = new Set(set.map((item) => item.intent));
    for (const name of Object.keys(INTENT_SCHEMAS)) assert.ok(intents.has(name as IntentName), `the set covers ${name}`);
    const report = evaluate(set);
    assert.ok(report.intentAccuracy >= 0.95, `intent accuracy ${report.intentAccuracy}`);
    assert.ok(report.slotExactMatch >= 0.9, `slot exact-match ${report.slotExactMatch}`);
    assert.equal(report.outOfScopeToTool, 0);
  });
}
