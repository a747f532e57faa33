/**
 * Text normalisation for the embedded understanding: one canonical form of
 * what the driver said, so cue phrases and slot patterns are written once.
 *
 * - NFKC folds full-width letters, digits and punctuation to half width.
 * - Traditional characters common in driving requests become simplified ones.
 * - A few speech-recogniser confusions of common words are repaired ("到航" → "导航").
 * - Clause punctuation (，。！？；…) becomes ", " so slot spans can stop at a
 *   clause; other punctuation becomes a space. Apostrophes inside words
 *   ("People's"), ":" and "." between digits ("19:00", "1.5") are kept.
 * - English hesitations (uh, um, erm) are dropped.
 *
 * `text` keeps the driver's letter case (place names are returned as said);
 * `low` is the same string in lower case, index for index.
 */

/** The normalised utterance. */
export interface Normalised {
  /** Normalised, case kept. */
  text: string;
  /** `text` in lower case, same length and offsets. */
  low: string;
  /** 'zh' when any Chinese character is present (mixed zh/en counts as zh). */
  lang: 'en' | 'zh';
}

// Pairs of traditional → simplified characters that occur in requests to a
// car assistant (places, food, time, directions, chit-chat), one pair a word.
const TRAD_SIMP_PAIRS =
  '導导 車车 場场 廣广 個个 這这 麼么 嗎吗 還还 幾几 離离 遠远 從从 過过 邊边 飯饭 廳厅 館馆 麵面 燒烧 雞鸡 魚鱼 ' +
  '鍋锅 們们 說说 請请 謝谢 開开 關关 門门 時时 間间 鐘钟 錢钱 塊块 貴贵 價价 費费 錯错 對对 無无 沒没 來来 東东 ' +
  '樂乐 氣气 電电 話话 讓让 給给 聽听 應应 該该 後后 將将 為为 換换 條条 線线 綠绿 紅红 燈灯 誌志 頭头 轉转 彎弯 ' +
  '達达 預预 計计 約约 帶带 記记 憶忆 歡欢 愛爱 選选 擇择 單单 處处 裡里 裏里 內内 園园 醫医 藥药 銀银 買买 賣卖 ' +
  '廁厕 衛卫 樁桩 層层 頂顶 進进 飛飞 機机 鐵铁 區区 縣县 歷历 總总 統统 誰谁 講讲 體体 賽赛 隊队 贏赢 輸输 漲涨 ' +
  '萬万 兩两 億亿 週周 號号 漢汉 麥麦 當当 勞劳 壽寿 韓韩 國国 義义 臺台 灣湾 粵粤 餃饺 湯汤 飲饮 順顺 設设 語语 ' +
  '優优 調调 動动 確确 認认 問问 題题 別别 結结 終终 輕轻 鬆松 實实 頓顿 餓饿 樓楼 蓋盖 須须 裝装 備备 錶表 報报 ' +
  '聞闻 鬧闹 溫温 颱台 風风 陽阳 陰阴 專专 輯辑 發发 訊讯 簡简 傳传 寫写 碼码 媽妈 爺爷 兒儿 學学 見见 現现 經经 ' +
  '濟济 數数 幫帮 尋寻 餘余 標标 變变 減减 賓宾 廈厦 華华 復复 興兴 勝胜 長长 寧宁 陝陕 蘇苏 橋桥 樹树 楓枫 櫻樱 ' +
  '蘭兰 龍龙 鳳凤 雲云 歲岁 舊旧 雙双 錄录 聲声 響响 煩烦 願愿 點点 陸陆 鄰邻 遊游 戲戏 視视 頻频 網网 絡络 圖图 ' +
  '書书 筆笔 課课 議议 會会 員员 務务 辦办 著着 啟启 閉闭 鎖锁 熱热 涼凉 態态 狀状 況况 趕赶 訂订 營营 業业 鴨鸭 ' +
  '駛驶 駕驾 隻只 羅罗 馬马 聖圣 節节 歐欧 匯汇 幣币 紐纽 倫伦 亞亚 遲迟 於于 與与 並并 麗丽 廟庙 貨货 雜杂 齊齐 ' +
  '際际 濱滨 灘滩 蓮莲 鵝鹅 鷺鹭 畫画 極极 雖虽 僅仅 盤盘 規规 劃划 盡尽 寬宽 檢检 險险 驗验 證证 護护 續续 豬猪 ' +
  '蝦虾 貝贝 類类 蔥葱 薑姜 醬酱 鹹咸 療疗 診诊 補补 廠厂 倉仓 庫库 戶户 們们 嗎吗 啓启 麼么 纔才 衝冲 衹只 ' +
  '館馆 糰团 麪面 雙双 鄉乡 葉叶 裏里 愛爱 鐘钟 歸归 擁拥 擠挤 塞塞 罰罚 違违 規规 費费 碼码 稅税 險险 訊讯 壞坏 ' +
  '燈灯 檯台 顏颜 圓圆 員员 層层 廂厢 鬥斗 劍剑 兒儿 嘗尝 點点 飽饱 喫吃';

const TRAD_TO_SIMP = new Map<string, string>();
for (const pair of TRAD_SIMP_PAIRS.split(' ')) {
  const chars = Array.from(pair);
  if (chars.length !== 2) throw new Error(`normalise: traditional/simplified pair '${pair}' is not two characters`);
  if (chars[0] !== chars[1]) TRAD_TO_SIMP.set(chars[0]!, chars[1]!);
}

/** Word-level fixes after character conversion: Taiwanese usage and common speech-recognition confusions. */
const WORD_FIXES: readonly (readonly [RegExp, string])[] = [
  [/义大利/g, '意大利'],
  [/到航|倒航/g, '导航'],
  [/停车厂/g, '停车场'],
  [/加油战/g, '加油站'],
  [/红路灯/g, '红绿灯'],
];

const CJK = /[\u3400-\u9fff]/;
const CLAUSE_PUNCT = /\s*(?:[,，、。!！?？;；…]|\.{2,})+\s*/g;
const DOTTED_AM_PM = /\b([ap])\.\s?m\b\.?/gi;
const OTHER_PUNCT = /[~～"“”«»()（）[\]【】{}《》<>「」『』*_|\\/@^=+…—–·•#]/g;
const HYPHEN = /[-‐‑‒]/g;
const DANGLING_APOSTROPHE = /(^|[^\p{L}\p{N}])'|'(?![\p{L}])/gu;
const LONE_COLON_OR_DOT = /(?<!\d)[:：.](?!\d)|(?<=\d)[:：.](?!\d)|(?<!\d)[:：.](?=\d)/g;
// With the commas around it: "take me to, um, Zhongshan Park" reads "take me to Zhongshan Park".
const HESITATION = /[,，]?\s*\b(?:uh+|um+|erm+|uhm+|hmm+|ah+)\b\s*[,，]?/gi;
const SPACES = /\s+/g;
const SPACE_BEFORE_COMMA = /\s+,/g;
const REPEATED_COMMAS = /(?:,\s*)+/g;

/** Normalises one utterance (see the module comment). Pure and allocation-light: a handful of regex passes. */
export function normalise(input: string): Normalised {
  let s = input.normalize('NFKC');
  s = s.replace(/[’‘`´]/g, "'");
  // Traditional → simplified, one character at a time.
  let converted = '';
  let changed = false;
  for (const ch of s) {
    const simp = TRAD_TO_SIMP.get(ch);
    if (simp !== undefined) {
      converted += simp;
      changed = true;
    } else converted += ch;
  }
  if (changed) s = converted;
  for (const [re, to] of WORD_FIXES) s = s.replace(re, to);
  s = s.replace(DOTTED_AM_PM, '$1m');
  s = s.replace(HESITATION, ' ');
  s = s.replace(CLAUSE_PUNCT, ', ');
  s = s.replace(OTHER_PUNCT, ' ');
  s = s.replace(HYPHEN, ' ');
  s = s.replace(DANGLING_APOSTROPHE, '$1 ');
  s = s.replace(LONE_COLON_OR_DOT, ' ');
  s = s.replace(SPACES, ' ').replace(SPACE_BEFORE_COMMA, ',').replace(REPEATED_COMMAS, ', ');
  s = s.replace(/^[\s,]+|[\s,]+$/g, '');
  let low = s.toLowerCase();
  if (low.length !== s.length) low = Array.from(s, (ch) => (ch.toLowerCase().length === ch.length ? ch.toLowerCase() : ch)).join('');
  return { text: s, low, lang: CJK.test(s) ? 'zh' : 'en' };
}
