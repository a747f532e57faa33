/**
 * Cuisines: OSM `cuisine=*` values and the driver's words, mapped to one set
 * of ids with English and Chinese labels.
 *
 * Ids follow the OSM wiki's Key:cuisine values where one exists (`hot_pot`,
 * `steak_house`, `coffee_shop`). A value outside the table is kept with its
 * raw text as label, never dropped: the map said it, so the driver may ask.
 */

/** A cuisine as shown and spoken. */
export interface Cuisine {
  id: string;
  en: string;
  zh: string;
}

interface CuisineEntry extends Cuisine {
  /** A broader cuisine this one is a kind of: a Sichuan place is a Chinese place. */
  parent?: string;
  /** OSM spellings and words drivers use, in either language (the id is implied). */
  aliases: readonly string[];
}

const TABLE: readonly CuisineEntry[] = [
  // Chinese and its regional cuisines.
  { id: 'chinese', en: 'Chinese', zh: '中餐', aliases: ['china', 'chinese food', '中餐', '中国菜', '中餐馆', '中式', '中华料理', '中国'] },
  { id: 'sichuan', en: 'Sichuan', zh: '川菜', parent: 'chinese', aliases: ['szechuan', 'szechwan', 'sichuanese', 'chinese sichuan', '川菜', '四川菜', '四川', '川'] },
  { id: 'cantonese', en: 'Cantonese', zh: '粤菜', parent: 'chinese', aliases: ['canton', 'guangdong', 'chinese cantonese', '粤菜', '广东菜', '广式', '粤'] },
  { id: 'hunan', en: 'Hunan', zh: '湘菜', parent: 'chinese', aliases: ['xiang', 'chinese hunan', '湘菜', '湖南菜', '湘'] },
  { id: 'shanghainese', en: 'Shanghainese', zh: '上海菜', parent: 'chinese', aliases: ['shanghai', 'chinese shanghai', '上海菜', '本帮菜', '沪菜'] },
  { id: 'beijing', en: 'Beijing', zh: '京菜', parent: 'chinese', aliases: ['peking', 'beijing cuisine', 'peking duck', '京菜', '北京菜', '北京烤鸭', '烤鸭'] },
  { id: 'dongbei', en: 'Dongbei (northeastern)', zh: '东北菜', parent: 'chinese', aliases: ['northeastern chinese', 'northeast chinese', '东北菜', '东北'] },
  { id: 'hot_pot', en: 'Hot pot', zh: '火锅', parent: 'chinese', aliases: ['hotpot', 'hot pot', 'chinese hotpot', 'huoguo', 'steamboat', '火锅', '麻辣烫'] },
  { id: 'dim_sum', en: 'Dim sum', zh: '点心', parent: 'chinese', aliases: ['dimsum', 'yum cha', '点心', '早茶', '港式点心'] },
  { id: 'dumpling', en: 'Dumplings', zh: '饺子', parent: 'chinese', aliases: ['dumplings', 'jiaozi', 'baozi', 'chinese dumpling', '饺子', '水饺', '饺子馆', '包子'] },
  { id: 'noodle', en: 'Noodles', zh: '面馆', aliases: ['noodles', 'noodle shop', 'noodle bar', 'lamian', '面', '面条', '面食', '面馆', '兰州拉面', '牛肉面'] },
  { id: 'barbecue', en: 'Barbecue', zh: '烧烤', aliases: ['bbq', 'barbeque', 'grill', 'shaokao', '烧烤', '烤肉', '烤串', '串串'] },
  // Elsewhere in Asia.
  { id: 'asian', en: 'Asian', zh: '亚洲菜', aliases: ['pan asian', '亚洲菜', '东南亚菜'] },
  { id: 'japanese', en: 'Japanese', zh: '日本料理', aliases: ['japan', '日本料理', '日料', '日本菜', '日式', '和食'] },
  { id: 'sushi', en: 'Sushi', zh: '寿司', parent: 'japanese', aliases: ['寿司'] },
  { id: 'ramen', en: 'Ramen', zh: '日式拉面', parent: 'japanese', aliases: ['日式拉面', '拉面'] },
  { id: 'korean', en: 'Korean', zh: '韩国料理', aliases: ['korea', '韩国料理', '韩餐', '韩国菜', '韩式', '韩国烤肉'] },
  { id: 'thai', en: 'Thai', zh: '泰国菜', aliases: ['thailand', '泰国菜', '泰餐', '泰式', '泰国'] },
  { id: 'vietnamese', en: 'Vietnamese', zh: '越南菜', aliases: ['vietnam', 'pho', '越南菜', '越南粉', '越南'] },
  { id: 'indian', en: 'Indian', zh: '印度菜', aliases: ['india', 'curry', '印度菜', '印度', '咖喱'] },
  // The Americas.
  { id: 'mexican', en: 'Mexican', zh: '墨西哥菜', aliases: ['mexico', 'tex mex', 'taco', 'tacos', 'burrito', '墨西哥菜', '墨西哥'] },
  { id: 'american', en: 'American', zh: '美式', aliases: ['america', 'diner', '美式', '美国菜', '美式餐厅'] },
  { id: 'latin_american', en: 'Latin American', zh: '拉美菜', aliases: ['latin', '拉美菜', '南美菜'] },
  { id: 'burger', en: 'Burgers', zh: '汉堡', aliases: ['burgers', 'hamburger', 'hamburgers', '汉堡', '汉堡包'] },
  // Europe and the Mediterranean.
  { id: 'italian', en: 'Italian', zh: '意大利菜', aliases: ['italy', 'italiano', 'italienisch', '意大利菜', '意餐', '意大利'] },
  { id: 'pizza', en: 'Pizza', zh: '披萨', aliases: ['pizzas', 'pizzeria', '披萨', '比萨', '匹萨', '比萨饼'] },
  { id: 'french', en: 'French', zh: '法国菜', aliases: ['france', 'französisch', '法国菜', '法餐', '法式'] },
  { id: 'german', en: 'German', zh: '德国菜', aliases: ['germany', 'deutsch', '德国菜', '德餐', '德式'] },
  { id: 'swiss', en: 'Swiss', zh: '瑞士菜', aliases: ['schweizer', '瑞士菜'] },
  { id: 'austrian', en: 'Austrian', zh: '奥地利菜', aliases: ['österreichisch', '奥地利菜'] },
  { id: 'spanish', en: 'Spanish', zh: '西班牙菜', aliases: ['spain', 'tapas', '西班牙菜'] },
  { id: 'greek', en: 'Greek', zh: '希腊菜', aliases: ['greece', 'gyros', '希腊菜'] },
  { id: 'turkish', en: 'Turkish', zh: '土耳其菜', aliases: ['turkey', '土耳其菜'] },
  { id: 'kebab', en: 'Kebab', zh: '土耳其烤肉', aliases: ['kebap', 'doner', 'döner', 'doner kebab', 'döner kebab', 'shawarma', '土耳其烤肉', '烤肉卷', '沙威玛'] },
  { id: 'mediterranean', en: 'Mediterranean', zh: '地中海菜', aliases: ['地中海菜', '地中海'] },
  { id: 'lebanese', en: 'Lebanese', zh: '黎巴嫩菜', aliases: ['黎巴嫩菜'] },
  { id: 'persian', en: 'Persian', zh: '波斯菜', aliases: ['iranian', '波斯菜', '伊朗菜'] },
  // Kinds of dish and of place.
  { id: 'seafood', en: 'Seafood', zh: '海鲜', aliases: ['fish', '海鲜', '海鲜餐厅', '鱼'] },
  { id: 'fish_and_chips', en: 'Fish and chips', zh: '炸鱼薯条', aliases: ['炸鱼薯条'] },
  { id: 'steak_house', en: 'Steakhouse', zh: '牛排', aliases: ['steakhouse', 'steak', 'steaks', '牛排', '牛排馆'] },
  { id: 'chicken', en: 'Chicken', zh: '炸鸡', aliases: ['fried chicken', 'wings', '炸鸡', '鸡', '鸡肉', '烤鸡'] },
  { id: 'sandwich', en: 'Sandwiches', zh: '三明治', aliases: ['sandwiches', 'subs', '三明治'] },
  { id: 'breakfast', en: 'Breakfast', zh: '早餐', aliases: ['brunch', '早餐', '早饭', '早点'] },
  { id: 'vegetarian', en: 'Vegetarian', zh: '素食', aliases: ['veggie', '素食', '素菜', '素'] },
  { id: 'vegan', en: 'Vegan', zh: '纯素', aliases: ['纯素', '全素'] },
  { id: 'coffee_shop', en: 'Coffee', zh: '咖啡', aliases: ['coffee', 'coffeeshop', 'espresso', '咖啡', '咖啡店'] },
  { id: 'cafe', en: 'Café', zh: '咖啡馆', aliases: ['café', 'kaffee', '咖啡馆', '咖啡厅'] },
  { id: 'tea', en: 'Tea', zh: '茶馆', aliases: ['tea house', 'teahouse', '茶', '茶馆', '茶楼'] },
  { id: 'bubble_tea', en: 'Bubble tea', zh: '奶茶', aliases: ['boba', 'milk tea', '奶茶', '珍珠奶茶'] },
  { id: 'bakery', en: 'Bakery', zh: '面包店', aliases: ['bread', 'boulangerie', 'bäckerei', '面包', '面包店', '烘焙', '西点'] },
  { id: 'donut', en: 'Doughnuts', zh: '甜甜圈', aliases: ['donuts', 'doughnut', 'doughnuts', '甜甜圈'] },
  { id: 'ice_cream', en: 'Ice cream', zh: '冰淇淋', aliases: ['gelato', 'speiseeis', 'eis', '冰淇淋', '冰激凌', '雪糕'] },
  { id: 'regional', en: 'Regional', zh: '地方菜', aliases: ['local', 'local food', '地方菜', '本地菜', '当地菜'] },
];

/** Lower case, separators (`_`, `-`, spaces) as single spaces: 'Hot_Pot' and 'hot pot' meet. */
function key(text: string): string {
  return text.toLowerCase().replace(/[\s_\-]+/g, ' ').trim();
}

const BY_ID = new Map<string, CuisineEntry>();
const BY_ALIAS = new Map<string, CuisineEntry>();
/** Aliases longest first, for finding one inside a sentence. */
const ALIASES_LONGEST_FIRST: { alias: string; cjk: boolean; entry: CuisineEntry }[] = [];
const CJK = /[\u3400-\u9fff]/;

for (const entry of TABLE) {
  BY_ID.set(entry.id, entry);
  for (const alias of [entry.id, entry.en, entry.zh, ...entry.aliases]) {
    const k = key(alias);
    const seen = BY_ALIAS.get(k);
    if (seen && seen !== entry) throw new Error(`cuisine table: '${alias}' names both ${seen.id} and ${entry.id}`);
    if (seen) continue;
    BY_ALIAS.set(k, entry);
    ALIASES_LONGEST_FIRST.push({ alias: k, cjk: CJK.test(k), entry });
  }
}
// Longest first; on equal length the more specific cuisine (one with a parent) wins.
ALIASES_LONGEST_FIRST.sort((a, b) => b.alias.length - a.alias.length || Number(b.entry.parent !== undefined) - Number(a.entry.parent !== undefined));

function publicCuisine(entry: CuisineEntry): Cuisine {
  return { id: entry.id, en: entry.en, zh: entry.zh };
}

/** Every cuisine with an id of its own, in table order. */
export const KNOWN_CUISINES: readonly Cuisine[] = TABLE.map(publicCuisine);

/** The cuisine with this id; undefined for ids outside the table. */
export function cuisineById(id: string): Cuisine | undefined {
  const entry = BY_ID.get(id);
  return entry && publicCuisine(entry);
}

/** The broader cuisine of `id` (`sichuan` → `chinese`), if any. */
export function parentCuisine(id: string): string | undefined {
  return BY_ID.get(id)?.parent;
}

/**
 * Cuisines of one OSM `cuisine` value: `;`, `,`, `&` and `/` lists, any case, spaces or
 * underscores, synonyms (`hotpot`, `Hot Pot` → `hot_pot`). Parts outside the
 * table come back with their text as id (lower case, `_` for spaces) and raw
 * text as both labels.
 */
export function normaliseCuisine(value: string): Cuisine[] {
  const cuisines: Cuisine[] = [];
  for (const part of value.split(/[;,&/]/)) {
    const raw = part.trim().replace(/^_+|_+$/g, '').trim();
    if (raw === '') continue;
    const k = key(raw);
    const entry = BY_ALIAS.get(k);
    const cuisine = entry ? publicCuisine(entry) : { id: k.replace(/ /g, '_'), en: raw, zh: raw };
    if (!cuisines.some((c) => c.id === cuisine.id)) cuisines.push(cuisine);
  }
  return cuisines;
}

/** Cuisines of a place from its raw `cuisine` values (as FoodPlace.cuisine holds them), without repeats. */
export function placeCuisines(values: readonly string[]): Cuisine[] {
  const cuisines: Cuisine[] = [];
  for (const value of values) {
    for (const cuisine of normaliseCuisine(value)) {
      if (!cuisines.some((c) => c.id === cuisine.id)) cuisines.push(cuisine);
    }
  }
  return cuisines;
}

/**
 * The cuisine a driver's word or phrase names, in English or Chinese:
 * '川菜', 'Sichuan', 'sichuan food', 'hot pot', '火锅', '想吃面'. The whole
 * phrase is tried first, then the longest cuisine name inside it. Undefined
 * when it names none.
 */
export function cuisineFromWord(word: string): Cuisine | undefined {
  const k = key(word);
  if (k === '') return undefined;
  const exact = BY_ALIAS.get(k);
  if (exact) return publicCuisine(exact);
  const spaced = ` ${k.replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
  for (const { alias, cjk, entry } of ALIASES_LONGEST_FIRST) {
    // Chinese is written without spaces; Latin words must match whole.
    if (cjk ? k.includes(alias) : spaced.includes(` ${alias} `)) return publicCuisine(entry);
  }
  return undefined;
}

/**
 * How well a place's cuisines meet the wanted ones: 2 when one is wanted,
 * 1 when one is a kind of a wanted one (a Sichuan place for 'chinese'),
 * 0 otherwise. Wanted ids are normalised first, so 'hotpot' works as well.
 */
export function cuisineMatch(placeCuisineIds: readonly string[], wanted: readonly string[]): 0 | 1 | 2 {
  let best: 0 | 1 | 2 = 0;
  for (const w of wanted) {
    const id = normaliseCuisine(w)[0]?.id ?? w;
    for (const have of placeCuisineIds) {
      if (have === id) return 2;
      let parent = parentCuisine(have);
      while (parent !== undefined) {
        if (parent === id) best = 1;
        parent = parentCuisine(parent);
      }
    }
  }
  return best;
}
