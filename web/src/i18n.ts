import type { Lang } from './api.ts';

const strings = {
  en: {
    title: 'Cabin',
    ask: 'Ask Cabin',
    placeholder: 'Where to? e.g. “find parking near People’s Square”',
    send: 'Send',
    mic: 'Voice input',
    micSoon: 'voice: coming',
    results: 'Results',
    noResults: 'Ask for parking, food or a route.',
    trip: 'Trip',
    noTrip: 'No route yet',
    eta: 'Arrive',
    remaining: 'Remaining',
    nextTurn: 'Next',
    light: 'Traffic light',
    noLight: 'No signal data',
    stale: 'Signal data stale',
    red: 'Red',
    amber: 'Amber',
    green: 'Green',
    dark: 'Off',
    mapUnavailable: 'The map cannot be drawn here (no WebGL); everything else works.',
    yes: 'Yes',
    no: 'No',
    walk: 'walk',
    free: 'free',
    min: 'min',
    thinking: 'Thinking…',
    error: 'Something went wrong',
    drivingMode: 'Driving mode',
    'reason-final-seconds': 'changing now',
    'reason-near-stop-line': 'at the line',
    'reason-stale': 'no live data',
    'reason-no-timing': 'no timing',
    'reason-overtaken': 'timing changed',
    'reason-no-state': 'no live data',
    stop: 'Stop',
  },
  zh: {
    title: '卡宾',
    ask: '问卡宾',
    placeholder: '去哪里？例如“人民广场附近找停车场”',
    send: '发送',
    mic: '语音输入',
    micSoon: '语音：即将推出',
    results: '结果',
    noResults: '可以问停车、吃饭或路线。',
    trip: '行程',
    noTrip: '尚无路线',
    eta: '到达',
    remaining: '剩余',
    nextTurn: '下一步',
    light: '红绿灯',
    noLight: '无信号数据',
    stale: '信号数据过期',
    red: '红灯',
    amber: '黄灯',
    green: '绿灯',
    dark: '熄灭',
    mapUnavailable: '此处无法绘制地图（无 WebGL），其他功能正常。',
    yes: '是',
    no: '否',
    walk: '步行',
    free: '空位',
    min: '分钟',
    thinking: '思考中…',
    error: '出错了',
    drivingMode: '驾驶模式',
    'reason-final-seconds': '即将变灯',
    'reason-near-stop-line': '已到停止线',
    'reason-stale': '无实时数据',
    'reason-no-timing': '无配时信息',
    'reason-overtaken': '配时已变',
    'reason-no-state': '无实时数据',
    stop: '停靠点',
  },
} satisfies Record<Lang, Record<string, string>>;

export type Strings = (typeof strings)['en'];

/** The interface strings in the driver's language. */
export const t = (lang: Lang): Strings => strings[lang];

/** "2.2 km" / "850 m", the same in both languages. */
export function distanceText(m: number): string {
  return m >= 1000 ? `${(m / 1000).toFixed(1)} km` : `${Math.round(m / 10) * 10} m`;
}

const movementWords: [RegExp, string][] = [
  [/northbound/g, '北向'],
  [/southbound/g, '南向'],
  [/eastbound/g, '东向'],
  [/westbound/g, '西向'],
  [/\s*through/g, '直行'],
  [/\s*left/g, '左转'],
  [/\s*right/g, '右转'],
];

/** A signal group's name ("eastbound through") as the driver reads it; the feed names groups in English. */
export function movementText(name: string, lang: Lang): string {
  return lang === 'zh' ? movementWords.reduce((text, [word, zh]) => text.replace(word, zh), name) : name;
}

/** Why a countdown is not shown, in words ("changing now" / "即将变灯"); never the code. */
export function lightReasonText(reason: string, lang: Lang): string {
  const s = strings[lang] as Record<string, string>;
  return s[`reason-${reason}`] ?? s['reason-stale']!;
}
