/**
 * The lexicon of the embedded understanding: weighted cue phrases per intent
 * in English and Chinese, out-of-scope cues, the categories a driver asks the
 * nearest of, cuisine words, and the yes/no vocabulary of confirmations.
 *
 * Every pattern runs on `Normalised.low` (lower case, simplified Chinese,
 * clause punctuation as ", "). English cues are word-bounded; Chinese ones
 * are substrings. Weights: 6–8 decide on their own (an out-of-scope action,
 * "stop navigation"), 4 is a phrase that names the intent, 2–3 a word that
 * usually goes with it, 1 a hint.
 */
import type { IntentName } from '../intents.ts';
import { cuisineFromWord } from '../../places/index.ts';

/** A weighted cue for one intent. */
export interface Cue {
  intent: IntentName | 'out_of_scope';
  weight: number;
  re: RegExp;
}

const cues: Cue[] = [];
function cue(intent: Cue['intent'], weight: number, ...res: RegExp[]): void {
  for (const re of res) cues.push({ intent, weight, re });
}

// --- navigate ---------------------------------------------------------------
cue('navigate', 4,
  /\bnavigat(?:e|ion|ing)\b/,
  /\bdirections?\b/,
  /\b(?:take|taking|bring|bringing|get|getting|drive|driving|guide|guiding|route|routing|steer) (?:me|us) (?:go |back |over |straight )?(?:to|home|back)\b/,
  /\b(?:drive|route|head(?:ing|ed)?) (?:over |back |straight )?to\b/,
  /\b(?:gotta|got to|have to|need to|must|want to|wanna) get to\b/,
  /\bhow (?:do|can|would) (?:i|we) get to\b/,
  /\b(?:set|change|new|update) (?:the |my )?destination\b/,
  /\b(?:show|tell) (?:me|us) the way to\b/, /\b(?:plot|plan|find|give me|calculate|map|work out|get) (?:a |the |me a |us a )?(?:route|way|path|directions?) to\b/,
  /\b(?:need|have|got) to (?:be|get) (?:at|to)\b.*\btake (?:me|us) there\b/,
  /\b(?:go|head|drive|take me|get me) home\b/,
  /^to [a-z0-9]/,
  /导航|导个航/, /(?:带|送|载|拉|领)(?:我|我们)(?:去|到|回)/, /开(?:车)?(?:去|到|回)(?!来)/, /前往|去往/,
  /怎么(?:去|走|到|开到)(?!路)/, /目的地(?:改|设|换|是)|设为目的地/, /(?:^|[,\s]|我要|我想|导航|带我|送我)回(?:家|公司|单位)|回家$|导航回/,
  /规划.{0,8}路线|路线规划|(?:去|到).{1,12}的路线/,
);
cue('navigate', 3, /(?<!my |going )\b(?:go|let's go|lets go|wanna go|want to go|need to go|have to go|need to get) (?:back )?to\b/, /, take me there$/);
cue('navigate', 3, /(?:我|我们)?(?:要|想|(?<!过)得|需要)(?:去|到)(?!了|过|掉)/, /导航[,\s]*目的地/);
cue('navigate', 2, /(?:^|[,\s]|我|我们|要|想|(?<!过)得|先|就|现在)去(?!掉|除|了|过|年|哪|一下银行)/, /^到(?!了)/);

// --- add_stop -----------------------------------------------------------------
cue('add_stop', 5,
  /\badd (?:a |another |one more )?(?:quick )?(?:stop|waypoint)\b/,
  /\badd\b.*\b(?:as a stop|to (?:my|the|our) (?:trip|route|stops|itinerary|journey))\b/,
  /\b(?:swing|drop|pop) (?:by|in)\b/,
  /\b(?:make|throw in|put) (?:a |another )?(?:quick )?(?:pit )?stop\b/,
  /\binclude\b.*\b(?:in|on|into) (?:the|my|our) (?:route|trip)\b/,
  /\bpick up\b.*\bon the way\b/,
  /(?<!n't |not |no )\b(?:also|quickly|need to|have to) stop (?:at|by)\b/,
  /\bstop by\b/,
  /加(?:一|个|一个|上|了)?(?:站|途经点|经停点|停靠点|目的地)|添加途经点|增加途经点|途经(?!点)|途径/,
  /顺路去|顺便去|顺道|加到行程|加进行程|行程里加|加入行程/, /(?:中途|路上|顺路|中间|顺便)(?:再)?(?:加|停|去)/,
  /\bsqueeze in\b|\bfit in a stop\b/, /\b(?:put|add|insert|slot) .+ before (?:the )?(?:first|second|third|fourth|fifth|last|next|stop)\b/, /把.{1,12}加(?:到|进|入|上)/,
  /\badd\b.{0,12}\bstop\b/, /\badd\b.+\bbefore\b/, /在.{1,10}(?:之前|前面|以前|之后|后面)加/,
);
cue('add_stop', 3, /(?<!n't (?:need to )?|not (?:need to )?)\bstop (?:off )?at\b(?!.*\bany ?more\b)/, /\bwaypoint\b/, /(?:在|到).{1,12}停一下/);
cue('add_stop', 2, /\badd\b/);

// --- remove_stop --------------------------------------------------------------
cue('remove_stop', 5,
  /\b(?:remove|delete)\b/, /\bget rid of\b/, /\btake\b.*\boff (?:the|my|our) (?:route|trip|list)\b/,
  /\btake (?:it |that |this )?out\b/, /\bdrop\b.*\bfrom\b/, /\b(?:don't|do not|no) need to (?:stop|go)\b/,
  /\bcancel the stop\b/, /\bforget the stop\b/, /\b(?:scrap|ditch|cut|cross off|strike|lose)\b/,
  /\b(?:not|no longer|don't|do not|won't) (?:need to |have to )?(?:go|stop|going|stopping) (?:to|at|by)\b/,
  /(?:别|不要|不用|不想)(?:再)?去.{1,12}了/, /(?:不用|不要|别|不)(?:再)?去了/, /(?:那|这)(?:一)?站.{0,3}(?:不去|不要|不用)/,
  /删|去掉|移除|拿掉|跳过|不去了|不用去.{1,12}了|不去.{1,12}了|(?:站|站点|途经点|停靠点|经停点)不要了|取消第.{1,3}(?:个)?(?:站|途经点|经停点|停靠点)/,
);
cue('remove_stop', 3, /\bskip\b(?! (?:the |any )?(?:highways?|expressways?|freeways?|motorways?|tolls?))/, /\bdrop\b/, /\bany ?more\b/, /\bafter all\b/);

// --- reorder_stops --------------------------------------------------------------
cue('reorder_stops', 5,
  /\boptimi[sz](?:e|ed|ing)?\b/, /\b(?:re ?order|rearrange|re ?arrange|shuffle|sort)\b/,
  /\b(?:best|most efficient|smarter|better|optimal|shortest|fastest) order\b/, /\border of (?:my|the|these|our) (?:stops|waypoints)\b/,
  /\bmake\b.*\bthe (?:first|last|final) stop\b/, /\bpush\b.*\bto the end\b/, /\b(?:move|bump|shift)\b.*\bto (?:the )?(?:end|front|beginning|start|top|bottom|position|first|second|third|fourth|fifth|last|\d)/,
  /\bbefore everything else\b/,
  /优化|顺序|重新排|排列|挪到|调到|移到|放到|放第|最后去|最前面|改成第.{1,3}站/,
);
cue('reorder_stops', 4, /\border\b.*\bstops\b|\bstops\b.*\border\b/, /\befficient\b/);
cue('reorder_stops', 3, /\bput\b.*\b(?:first|last|at the end)\b/, /\b(?:visit|do)\b.*\b(?:last|first)$/, /\bmove\b/);

// --- find_parking ---------------------------------------------------------------
cue('find_parking', 4,
  /\bparking\b/, /\bcar ?parks?\b/, /\bgarage\b/, /\bleave (?:my|the) car\b/,
  /\b(?:to|i|we|can|could|should|where|gotta|got to|need to|want to|and|somewhere to|place to|spot to|wanna) park\b/,
  /\bpark (?:for|near|at|around|close|somewhere|it)\b/,
  /停车|泊车|车位|车库|停车场|停车楼/,
);

// --- find_food ------------------------------------------------------------------
cue('find_food', 3,
  /\b(?:restaurants?|food|eat|eats|eating|hungry|starving|eatery|bite|cuisine|dining|place to eat|somewhere to eat|joint|spots?)\b/,
  /吃|饿|餐厅|饭店|餐馆|馆子|美食|好吃|饭馆|小吃店/,
);

// --- traffic_light ----------------------------------------------------------------
cue('traffic_light', 5,
  /\btraffic lights?\b/, /\b(?:green|red|amber|yellow) (?:light|wave)\b/, /\bturns? (?:green|red)\b/, /\b(?:this|the|next|that) red\b/,
  /\blight (?:ahead|up ahead|doing|status)\b/, /\b(?:the|this|next|that) (?:light|signal)s?\b/, /\bintersection on green\b/,
  /红灯|绿灯|红绿灯|信号灯|变绿|变红|绿波|灯(?:快)?变|这个灯|黄灯/,
);
cue('traffic_light', 3, /\bsignal\b/, /\blights?\b/, /\bcountdown\b/, /倒计时/);
cue('traffic_light', 1, /\b(?:green|red)\b/);

// --- trip_status ------------------------------------------------------------------
cue('trip_status', 5,
  /\beta\b/, /\bwhen (?:will|do|are|shall|can) (?:we|i) (?:get|arrive|reach|be)\b/, /\bhow long (?:until|till|before|to) (?:we|i) (?:arrive|get)\b/,
  /\bwhat time (?:will|do|are|shall|can) (?:we|i) (?:arrive|get|reach)\b/, /\bhow much longer\b/, /\b(?:are we|am i) there yet\b/,
  /\bhow many minutes (?:left|more|to go)\b/, /\barrival time\b/, /\bwhen do we reach\b/,
  /\bhow far\b/, /\bhow much (?:further|farther)\b/, /\bhow many (?:kilometers|kilometres|km|miles)\b/, /\bon time\b/, /\bhow (?:are|am) (?:we|i) doing\b/, /\bremaining distance\b|\bdistance (?:left|remaining)\b/, /\b(?:miles|kilometers|kilometres|km) (?:left|to go)\b/,
  /\bnext turn\b/, /\bturn next\b/, /\bnext (?:instruction|maneuver|manoeuvre|exit|direction)\b/, /\bwhich way\b/, /\bdo i turn\b/,
  /\btrip (?:update|status|summary|overview|progress)\b/, /\b(?:summary|overview|update|status|progress|recap)\b.*\b(?:trip|route|journey|drive)\b|\b(?:trip|route|journey|drive)\b.*\b(?:summary|overview|status|progress|recap)\b/,
  /\bcoming up(?: next)?\b|\bwhat's next\b|\bup next\b/, /\bhow(?:'s| is) the trip\b/, /\bstatus of (?:my|the) (?:route|trip)\b/, /\broute status\b/,
  /还要多久|多久(?:能|才)?到|几点(?:能|可以|才)?到|到达时间|预计.{0,4}到|什么时候(?:能|才)?到|到了没|到了吗|多长时间/,
  /还有多远|多远|几公里|多少公里|多少路|距离|还剩多少/,
  /路口怎么走|往哪(?:拐|转|走)|转弯|左转还是右转|下一步怎么走|下个路口|下一个路口|接下来(?:怎么|往哪)/,
  /行程情况|报告.{0,3}行程|当前行程|路线.{0,3}情况|行程怎么样|进度|总结.{0,4}行程|行程.{0,4}(?:总结|概况|概览|汇总)/, /多久/,
);
cue('trip_status', 2, /\barriv(?:e|al|ing)\b/, /\bremaining\b/);

// --- set_preference ------------------------------------------------------------------
cue('set_preference', 5,
  /\bremember (?:that )?(?:i|my)\b/, /\bremember(?: that| this| it)?$/, /\bgoing forward\b|\bfrom here on\b|\bin general\b|\bby default\b/, /\bmy favou?rite (?:cuisine|food|dish|kind of food) is\b/, /\bfrom now on\b/, /\bmy go to\b/, /\bbig fan of\b/, /\bnote that i\b/,
  /\b(?:i'm|i am) (?:okay|ok|fine|happy|alright) with\b/, /\bit's (?:fine|ok|okay) to use\b/, /\bin (?:the )?future\b/,
  /\bstop routing\b/, /\bnever suggest\b/, /\b(?:my|the) (?:parking )?budget\b/, /\bput my favou?rite\b/,
  /\b(?:speak|talk to me in|switch to|reply in|answer in)\b.*\b(?:english|chinese|mandarin)\b/, /\blanguage\b/,
  /最喜欢|最爱|爱吃|偏好|记住|记一下|(?:^|[,\s我])以后|平时|预算|切换成|语言|(?:说|用)(?:英文|中文|英语|汉语)|普通话|控$|别推荐|不喜欢|接受/,
);
cue('set_preference', 3, /\bfavou?rite\b/, /\bi (?:really )?(?:love|prefer|adore|hate)\b/, /\balways\b/, /\bi (?:usually|normally|generally)\b/, /\b(?:rather not|don't|do not|never|won't) (?:want to )?pay more than\b/, /一般|(?<!最)喜欢|永远|总是|一直|每次/);
cue('set_preference', 2, /\bi (?:don't|do not) (?:like|want|mind)\b/, /\bnever\b/);

// --- recall_preferences ------------------------------------------------------------------
cue('recall_preferences', 7,
  /\bwhat do you (?:remember|know) about (?:me|my)\b/, /\bmy (?:preferences|settings)\b/, /\bwhat are my\b/, /\bsaved settings\b/,
  /\bwhat have you learned\b/, /\b(?:which|what) preferences\b/, /\bwhat have i told you\b/, /\bwhat (?:do|did) i (?:like|prefer|want)\b/,
  /\bwhat you(?:'ve| have)? (?:saved|stored|remembered|learned|got|know) (?:about|on) me\b/, /\bsaved about me\b/,
  /告诉过你|跟你说过|我(?:最)?(?:喜欢|爱)(?:吃)?(?:什么|啥)|存了我|保存了.{0,4}(?:偏好|设置)|哪些偏好|什么偏好/,
  /\bwhat i (?:like|prefer|love|want)\b/, /\bknow about (?:me|what i)\b/, /\bdo you remember what\b/, /\bremind me what\b/, /\bwhat(?:'s| is) my (?:favou?rite|parking|budget)/,
  /你记得|记得我|记住了我|我的偏好|我的设置|设置过|来着|你知道我的|你了解我|列出我的|我的口味/,
);
cue('recall_preferences', 2, /\bagain\b/);

// --- cancel ----------------------------------------------------------------------------
cue('cancel', 7,
  /\b(?:stop|end|cancel|quit|exit|abort|terminate|turn off|close) (?:the )?(?:navigation|navigating|directions|guidance|route|trip|routing)\b(?! (?:me |us )?(?:onto|on|via|through|along|over))/,
  /\bdon't need directions\b/, /\bstop (?:guiding|navigating|routing|directing) (?:me|us)\b(?! (?:onto|on|via|through|along|over))/, /\bnever ?mind\b/, /\bforget (?:it|that|about it|what i (?:just )?said)\b/, /\bscratch that\b/,
  /\bcancel (?:that|it|this)\b/, /^cancel$/,
  /(?:取消|结束|停止|退出|关闭|关掉).{0,4}导航|不用导航|别导了|不导航了|行程取消|取消行程|算了|当我没说|没事了|取消刚才|^不要了|^取消$|不算了?$|不作数/,
);

// --- out of scope ------------------------------------------------------------------------
cue('out_of_scope', 9,
  /^(?:call|dial|ring|phone|text|message|email|e mail|send|play|sing|read|translate|book|order|buy|set an alarm|wake me|remind me to|open the|close the|lock|unlock|turn on|turn off the (?:ac|air|radio|music|heat|light|lights|headlights|wipers)|turn up|turn down|turn the)\b/,
  /\b(?:weather|forecast|rain(?:ing|y)?|snow(?:ing)?|umbrella|humid(?:ity)?|thunderstorm)\b/, /\bhow (?:hot|cold|warm) is it\b/, /\btemperature\b/,
  /\b(?:joke|riddle|poem)\b/, /\bhow are you\b/, /\bwho (?:made|built|created|are) you\b/, /\byour name\b/, /\bi love you\b/,
  /\b(?:music|songs?|playlist|album|radio|podcast|volume|track|spotify|opera)\b/,
  /\b(?:wechat|whatsapp|sms|messages|e ?mail|phone|call)\b/,
  /\bcapital of\b/, /\bwho (?:wrote|invented|discovered|won|is the|was the|'s the)\b/, /\bwho's the\b/, /\bhow (?:tall|big|old|deep|high) is\b/, /\bwhen was\b/,
  /\bstand for\b/, /\bmeaning of\b/, /\b\d+ (?:times|plus|minus|divided by) \d+/, /\bhow many people\b/, /\bpopulation\b/, /\bpresident\b/,
  /\b(?:game|score|match|world cup|football|soccer|basketball|nba|lakers|league|olympics|results)\b/, /\bhow did .+ do\b/,
  /\b(?:stocks?|share price|stock market|bitcoin|crypto|exchange rate|balance|convert|euros?|tesla)\b/,
  /\b(?:window|windows|air conditioning|a ?c|heater|heat|heating|seat|sunroof|headlights?|doors?|wipers?|defrost|trunk|mirrors?)\b/,
  /\b(?:alarm|calendar|meeting|appointment|reservation|delivery|takeout|recipe|news|headlines|movie|cinema|ticket|homework|book)\b/,
  /\bwhat time is it\b/, /\bwhat's the time\b/, /\bwhat(?:'s| is) today'?s date\b/, /\bwhat day is it\b/, /\bwhat's happening\b/,
  /\bhow (?:do|to|can) (?:i |you )?(?:make|cook|bake|fry|boil)\b/, /\bfind my (?:phone|keys|car)\b/, /\bcalories?\b|\bnutrition\b/, /\bhow do you say\b/, /\breviews?\b/, /\bhiring\b|\bjobs?\b/, /\bpay (?:the|my|for)\b|\bpayment\b/,
  /\bdashboard\b|\bbrightness\b|\b(?:dim|brighten) (?:the|my|it|down|a bit)\b|\binterior lights?\b|\bwrite (?:a|me|an)\b/,
  /天气|下雨|下雪|气温|多少度|温度|带伞|雨伞|刮风|台风|雾霾|空气质量/,
  /笑话|故事|聊天|聊聊|你好吗|你是谁|叫什么名字|我爱你|无聊/,
  /歌|音乐|播放|放首|来首|电台|收音机|广播|播客|音量|声音|切歌|下一首|上一首/,
  /电话|打给|拨打|微信|短信|消息|邮件/,
  /首都|谁写的|有多高|什么时候建|乘以|除以|等于|翻译|什么意思|人口|总统|历史|意义/,
  /比赛|比分|谁赢|赢了|输了|足球|篮球|世界杯|战绩|赛果|湖人|球队/,
  /股|比特币|汇率|余额|换多少|美元|欧元|理财|特斯拉/,
  /车窗|窗户|空调|暖风|座椅|加热|天窗|大灯|远光|近光|车门|锁车|雨刷|后备箱|除雾/,
  /闹钟|叫我起床|提醒我|日程|会议|订.{0,6}(?:位子|座位|桌|房间|酒店|票)|预订|预约|外卖|几点了|现在几点|几号|星期几|新闻|电影|手机在哪/,
  /怎么(?:包|做|煮|炒|烧|烤)|菜谱|食谱|推荐一本|作业|哈哈|卡路里|热量|怎么说|发给|发送给|分享给|评价|口碑|招人|招聘|付(?:一下)?.{0,4}费|缴费|支付|送到家|外送|点(?:一|个|份)份/,
  /仪表盘|屏幕|亮度|调暗|调亮|氛围灯|写(?:一)?(?:首|篇)|诗|作文|(?:煮|蒸|炖|炒|泡)[^,]{0,6}(?:要多久|多长时间|几分钟)/,
);

/** Every cue, compiled at module load. */
export const CUES: readonly Cue[] = cues;

// ---------------------------------------------------------------------------
// Categories searched as "the nearest X" (navigate.nearest). Ids follow OSM
// amenity/shop values where one exists.

/** A category of place the driver asks the nearest of. */
export interface Category {
  id: string;
  re: RegExp;
}

/** The categories of navigate.nearest, with the words that name them in both languages. */
export const CATEGORIES: readonly Category[] = [
  { id: 'fuel', re: /\b(?:gas|petrol|filling|fuel) stations?\b|\bgas\b|\bpetrol\b|\bfuel\b|\bfill up\b|\bfill(?:ing)? (?:up )?the tank\b|\brefuel|加油站|加油|没油|油不多|油快/ },
  { id: 'charging_station', re: /\bcharging (?:station|point|pile|spot)s?\b|\b(?:ev )?chargers?\b|\bsupercharger\b|\bbattery(?:'s| is)? (?:almost |nearly |running )?(?:dead|low|empty|flat|out)\b|充电站|充电桩|充电的地方|电量不多|没电了|快没电/ },
  { id: 'parking', re: /\bparking(?: lot| garage| spot| space)?s?\b|\bcar ?parks?\b|停车场|停车位|车位|停车的地方/ },
  { id: 'hospital', re: /\bhospitals?\b|\bemergency room\b|\ba ?& ?e\b|医院|急诊/ },
  { id: 'pharmacy', re: /\bpharmac(?:y|ies)\b|\bdrugstores?\b|\bchemists?\b|药店|药房/ },
  { id: 'toilets', re: /\btoilets?\b|\brestrooms?\b|\bbathrooms?\b|\bwashrooms?\b|\bloo\b|厕所|洗手间|卫生间|公厕/ },
  { id: 'atm', re: /\batms?\b|\bcash machines?\b|\bcashpoints?\b|取款机|提款机/ },
  { id: 'bank', re: /\bbanks?\b|银行/ },
  { id: 'supermarket', re: /\bsupermarkets?\b|\bgrocery (?:store|shop)s?\b|\bgroceries\b|超市/ },
  { id: 'convenience', re: /\bconvenience stores?\b|\bcorner shops?\b|便利店/ },
  { id: 'car_wash', re: /\bcar ?wash(?:es)?\b|\bwash (?:the|my) car\b|洗车/ },
  { id: 'police', re: /\bpolice(?: station)?\b|派出所|警察局|公安局/ },
  { id: 'subway_station', re: /\b(?:metro|subway|underground) stations?\b|\bmetro\b|\bsubway\b|地铁站|地铁/ },
  { id: 'hotel', re: /\bhotels?\b|\bmotels?\b|酒店|宾馆|旅馆/ },
  { id: 'post_office', re: /\bpost offices?\b|邮局/ },
  { id: 'services', re: /\bservice (?:area|station)s?\b|\brest (?:area|stop)s?\b|服务区/ },
];

/** The category a phrase names, when the phrase is only that ("the nearest gas station", "最近的医院"). */
export function categoryOfPhrase(phrase: string): string | undefined {
  const p = phrase
    .toLowerCase()
    .replace(/^(?:the |a |an |any |some )?(?:nearest |closest |nearby |near |close )?/, '')
    .replace(/^(?:离我)?(?:最近的|附近的|最近|附近)(?:一个|一家|个|家)?/, '')
    .trim();
  if (p === '') return undefined;
  for (const c of CATEGORIES) {
    const m = c.re.exec(p);
    if (m && m.index === 0 && m[0].length === p.length) return c.id;
  }
  return undefined;
}

/** The first category mentioned anywhere in the utterance. */
export function findCategory(low: string): { id: string; index: number; end: number } | undefined {
  let best: { id: string; index: number; end: number } | undefined;
  for (const c of CATEGORIES) {
    const m = c.re.exec(low);
    if (m && (best === undefined || m.index < best.index)) best = { id: c.id, index: m.index, end: m.index + m[0].length };
  }
  return best;
}

// ---------------------------------------------------------------------------
// Cuisine words. Each word is resolved to its Cabin id once, here, through
// `cuisineFromWord`, so the cuisine table stays the one source of ids.
// Words that are also place names or common words are left out or guarded:
// bare 四川 / 北京 / Beijing are streets here; 面 is in 前面, 对面; "local",
// "breakfast" and country names are not cuisines when driving.

const CUISINE_WORDS_EN: readonly (readonly [string, string])[] = [
  ['korean barbecue', '韩国烤肉'], ['korean bbq', '韩国烤肉'], ['peking duck', 'peking duck'], ['roast duck', '烤鸭'],
  ['fish and chips', 'fish and chips'], ['fried chicken', 'fried chicken'], ['hot pot', 'hot pot'], ['hotpot', 'hotpot'],
  ['dim sum', 'dim sum'], ['dimsum', 'dimsum'], ['yum cha', 'yum cha'], ['bubble tea', 'bubble tea'], ['milk tea', 'milk tea'],
  ['boba', 'boba'], ['ice cream', 'ice cream'], ['gelato', 'gelato'], ['tea house', 'tea house'], ['teahouse', 'teahouse'],
  ['beijing food', 'beijing cuisine'], ['beijing cuisine', 'beijing cuisine'], ['pan asian', 'pan asian'],
  ['sichuan', 'sichuan'], ['szechuan', 'szechuan'], ['szechwan', 'szechwan'], ['cantonese', 'cantonese'], ['hunan', 'hunan'],
  ['shanghainese', 'shanghainese'], ['dongbei', 'dongbei'], ['northeastern chinese', 'northeastern chinese'], ['chinese', 'chinese'],
  ['dumplings', 'dumplings'], ['dumpling', 'dumpling'], ['jiaozi', 'jiaozi'], ['baozi', 'baozi'], ['noodles', 'noodles'], ['noodle', 'noodle'],
  ['lamian', 'lamian'], ['barbecue', 'barbecue'], ['barbeque', 'barbeque'], ['bbq', 'bbq'], ['grill', 'grill'],
  ['asian', 'asian'], ['japanese', 'japanese'], ['sushi', 'sushi'], ['ramen', 'ramen'], ['korean', 'korean'], ['thai', 'thai'],
  ['vietnamese', 'vietnamese'], ['pho', 'pho'], ['indian', 'indian'], ['curry', 'curry'], ['mexican', 'mexican'], ['tex mex', 'tex mex'],
  ['tacos', 'tacos'], ['taco', 'taco'], ['burrito', 'burrito'], ['burritos', 'burrito'], ['american', 'american'], ['diner', 'diner'],
  ['burgers', 'burgers'], ['burger', 'burger'], ['hamburgers', 'hamburgers'], ['hamburger', 'hamburger'], ['italian', 'italian'],
  ['pasta', '意大利面'], ['pizza', 'pizza'], ['pizzas', 'pizzas'], ['pizzeria', 'pizzeria'], ['french', 'french'], ['german', 'german'],
  ['spanish', 'spanish'], ['tapas', 'tapas'], ['greek', 'greek'], ['turkish', 'turkish'], ['kebab', 'kebab'], ['kebabs', 'kebab'],
  ['doner', 'doner'], ['shawarma', 'shawarma'], ['mediterranean', 'mediterranean'], ['lebanese', 'lebanese'], ['persian', 'persian'],
  ['seafood', 'seafood'], ['fish', 'fish'], ['steakhouse', 'steakhouse'], ['steak house', 'steak house'], ['steaks', 'steaks'], ['steak', 'steak'],
  ['chicken wings', 'wings'], ['chicken', 'chicken'], ['wings', 'wings'], ['sandwiches', 'sandwiches'], ['sandwich', 'sandwich'],
  ['vegetarian', 'vegetarian'], ['veggie', 'veggie'], ['vegan', 'vegan'], ['coffee', 'coffee'], ['espresso', 'espresso'],
  ['coffee shop', 'coffee shop'], ['cafe', 'cafe'], ['café', 'café'], ['cafes', 'cafe'], ['tea', 'tea'], ['bakery', 'bakery'],
  ['bakeries', 'bakery'], ['bread', 'bread'], ['donuts', 'donuts'], ['donut', 'donut'], ['doughnuts', 'doughnuts'], ['doughnut', 'doughnut'],
];

const CUISINE_WORDS_ZH: readonly string[] = [
  '中餐', '中国菜', '中式', '川菜', '四川菜', '粤菜', '广东菜', '广式', '湘菜', '湖南菜', '上海菜', '本帮菜', '京菜', '北京菜', '北京烤鸭', '烤鸭',
  '东北菜', '火锅', '麻辣烫', '点心', '早茶', '港式点心', '饺子', '水饺', '包子', '面馆', '面条', '面食', '兰州拉面', '牛肉面', '烧烤', '烤肉', '烤串',
  '串串', '亚洲菜', '东南亚菜', '日本料理', '日料', '日本菜', '日式', '和食', '寿司', '日式拉面', '拉面', '韩国料理', '韩餐', '韩国菜', '韩式', '韩国烤肉',
  '泰国菜', '泰餐', '泰式', '越南菜', '越南粉', '印度菜', '咖喱', '墨西哥菜', '美式', '美国菜', '拉美菜', '汉堡', '汉堡包', '意大利菜', '意餐',
  '意大利面', '披萨', '比萨', '匹萨', '法国菜', '法餐', '法式', '德国菜', '西班牙菜', '希腊菜', '土耳其菜', '土耳其烤肉', '地中海菜', '海鲜', '炸鱼薯条',
  '牛排', '炸鸡', '烤鸡', '鸡肉', '三明治', '素食', '素菜', '纯素', '全素', '咖啡', '咖啡店', '咖啡馆', '咖啡厅', '茶馆', '茶楼', '奶茶', '珍珠奶茶',
  '面包', '面包店', '烘焙', '西点', '甜甜圈', '冰淇淋', '冰激凌', '雪糕',
];

interface CuisineWord {
  word: string;
  id: string;
}

function resolveCuisineWords(): CuisineWord[] {
  const words: CuisineWord[] = [];
  for (const [word, tableWord] of CUISINE_WORDS_EN) {
    const c = cuisineFromWord(tableWord);
    if (!c) throw new Error(`understanding lexicon: cuisine word '${word}' (as '${tableWord}') is not in the cuisine table`);
    words.push({ word, id: c.id });
  }
  for (const word of CUISINE_WORDS_ZH) {
    const c = cuisineFromWord(word);
    if (!c) throw new Error(`understanding lexicon: cuisine word '${word}' is not in the cuisine table`);
    words.push({ word, id: c.id });
  }
  return words.sort((a, b) => b.word.length - a.word.length);
}

const CUISINE_BY_WORD = new Map<string, string>();
for (const w of resolveCuisineWords()) CUISINE_BY_WORD.set(w.word, w.id);
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const CUISINE_RE = new RegExp(
  `(?<![a-z])(${[...CUISINE_BY_WORD.keys()].map(escape).join('|')})(?![a-z])(?!\\s*(?:road|street|avenue|lane|rd|st|ave|路|街|大道|弄))`,
  'g',
);
/** Single-character dishes only in an eating phrase: 吃面, 来碗面, 吃鱼, 吃素. */
const CUISINE_PHRASES_ZH: readonly (readonly [RegExp, string])[] = [
  [/(?:吃|来|碗|份)(?:个|碗|点|份)?面(?!包)/, 'noodle'],
  [/吃(?:个|点)?鱼/, 'seafood'],
  [/吃素/, 'vegetarian'],
];

/** The first cuisine the driver names outside `skip` spans (place names), as a Cabin cuisine id. */
export function findCuisine(low: string, skip: readonly (readonly [number, number])[] = []): string | undefined {
  CUISINE_RE.lastIndex = 0;
  for (let m = CUISINE_RE.exec(low); m; m = CUISINE_RE.exec(low)) {
    const start = m.index;
    const end = start + m[0].length;
    if (skip.some(([s, e]) => start < e && end > s)) continue;
    return CUISINE_BY_WORD.get(m[1]!);
  }
  for (const [re, id] of CUISINE_PHRASES_ZH) if (re.test(low)) return id;
  return undefined;
}

// ---------------------------------------------------------------------------
// Confirmations

const YES_PHRASES = [
  'yes please', 'yes', 'yeah', 'yep', 'yup', 'ya', 'sure thing', 'sure', 'ok', 'okay', 'alright', 'all right', 'go ahead', 'do it',
  'sounds good', "that's right", 'that is right', 'correct', 'right', 'absolutely', 'of course', 'please do', 'definitely', 'confirm',
  'affirmative', 'fine', 'go for it', 'perfect', 'great', 'please', "that's it", 'exactly', 'yes it is', 'that one', 'do that', 'please do that',
  '是的', '是啊', '是', '对的', '对啊', '对', '好的', '好啊', '好吧', '好', '行啊', '行', '可以的', '可以', '没问题', '嗯嗯', '嗯', '确定', '确认',
  '当然', '的', '走吧', '走', '出发', '谢谢', '就这样', '就这么办', '就这么定了', '就这么做', '这么做', '没错', '对的',
];
const NO_PHRASES = [
  'no thanks', 'no thank you', 'no', 'nope', 'nah', "don't do that", "don't do it", "don't", 'do not', 'not now', 'not really', 'never mind', 'nevermind', 'negative',
  'leave it as it is', 'leave it', 'keep it', 'cancel', 'thanks', 'thank you', 'please',
  '不用了', '不用', '不要了', '不要', '算了吧', '算了', '先不要', '先不用', '不是', '别', '不行', '不对', '取消', '谢谢', '吧', '了', '不了', '不必了', '不必', '别这样', '不要这样', '不',
];
const YES_NO_RE = new RegExp(`^(?:${[...new Set([...YES_PHRASES, ...NO_PHRASES])].sort((a, b) => b.length - a.length).map(escape).join('|')})`);
/** Words that carry the answer; the others ("please", "thanks", "的") only fill. */
const ANSWER_YES = new Set(YES_PHRASES.filter((p) => !['please', '的', '谢谢'].includes(p)));
const ANSWER_NO = new Set(NO_PHRASES.filter((p) => !['thanks', 'thank you', 'please', '谢谢', '吧', '了'].includes(p)));

/**
 * Whether the whole utterance is a bare yes or no ("yeah sure", "no, leave it
 * as it is", "不用，谢谢"): true / false, or undefined when it says more.
 */
export function yesOrNo(low: string): boolean | undefined {
  let rest = low.trim();
  let yes = 0;
  let no = 0;
  while (rest !== '') {
    const m = YES_NO_RE.exec(rest);
    if (!m) return undefined;
    const phrase = m[0];
    const next = rest.slice(phrase.length);
    // Latin phrases must end at a word boundary: "no" is not the start of "nope".
    if (/[a-z]$/.test(phrase) && /^[a-z']/.test(next)) return undefined;
    if (ANSWER_NO.has(phrase)) no++;
    else if (ANSWER_YES.has(phrase)) yes++;
    rest = next.replace(/^[\s,]+/, '');
  }
  if (no > 0) return false;
  if (yes > 0) return true;
  // Only fillers ("thanks", "谢谢"): not an answer.
  return undefined;
}

/** A leading "no," / "不是这个，" before a correction ("no, the other one"). */
export const LEADING_NO = /^(?:no|nope|nah|not that one|不是这个|不是|不要|不)(?:[\s,]+|$)/;
