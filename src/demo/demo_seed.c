/*
 * demo_seed.c — the matters named in the five reports in /work/shared/seeds,
 * in their own wording and numbers, each with a hand-written history:
 *
 *   000  沧州经济开发区: the pocket park on the illegal building at 307国道 and
 *        开明街, 金岛小区's 800 m² illegal building, the 41 transformer boxes
 *        on 黄河路, the project list (central kindergarten, 100+ rural
 *        toilets, smart safe communities, shanty towns), 微心愿 boxes in the
 *        seven villages, waste sorting in three estates, 欠薪 and 车位 cases
 *   001  the same zone's party work: 农家书屋 books, 电子屏公开查询, 专精特新
 *   002  沧州运河区/高新区: 一中前小区's loose manhole cover, blocked sewer and
 *        renovation rubbish, 北门社区's estates without property management,
 *        义诊 in 高庄子村, 网络订餐 checks
 *   003  永清县 (traditional Chinese, kept as written): 停車設施, 宏業路,
 *        北辛溜醫院
 *   004  廊坊开发区: 荷花道/花园道/桐柏 illegal buildings, 憩园小区's renovation
 *        and its small-advertisement problem, a 检视问题 on residents' errands
 *
 * Between them the histories reach every status of the lifecycle (待受理,
 * 已受理, 不予受理, 已派单, 办理中 — one of them overdue —, 已退单, 已办结, 重办,
 * 已销号, 已合并), so the demo shows them all whatever is generated.
 * Submitters' names and phones are invented (the phones use a 0000 middle
 * block); reports' real residents are referred to by their role only.
 */
#include "demo/demo_int.h"
#include "ledger/ledger.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct step {
	int act;          /* ACT_*; the list ends at the first step with ago 0 */
	int ago;          /* days before today (moved back to a working day) */
	const char *note; /* progress, result, reason ... */
	const char *arg;  /* assign: "lead[,co[,co]]" codes; rate: rating; merge: seed key */
	int days;         /* assign: deadline after this many days (0: category's);
			     request_extension: new deadline at least this far */
} step;

typedef struct seed {
	const char *key, *kind, *subkind, *category, *area, *channel;
	const char *title, *description, *address;
	const char *name, *phone; /* submitter (private) or NULL */
	bool enterprise, private_;
	int ago; /* day it was handed in */
	step steps[10];
} seed;

#define P(ago, note) {ACT_PROGRESS, ago, note, NULL, 0}
#define ACCEPT(ago) {ACT_ACCEPT, ago, NULL, NULL, 0}
#define ASSIGN(ago, depts, days, note) {ACT_ASSIGN, ago, note, depts, days}
#define RESOLVE(ago, note) {ACT_RESOLVE, ago, note, NULL, 0}
#define RATE(ago, rating, note) {ACT_RATE, ago, note, rating, 0}
#define CLOSE(ago, note) {ACT_CLOSE, ago, note, NULL, 0}

static const seed seeds[] = {
	/* 000: 综合行政执法局 cleared 2,500 m² of illegal buildings north of
	 * 307国道/开明街 and planted a pocket park: 140 trees, 2,000+ m² of lawn. */
	{"park", "project", "", "illegal-building", "dq", "inspection",
	 "拆除307国道与开明街北侧违法建筑，即清即绿建设口袋公园",
	 "307国道与开明街北侧有一处占地2500平方米的违法建筑，群众反映强烈。列入“我为群众办实事”"
	 "重点民生项目清单：集中拆除违法建筑，即清即绿建设口袋公园，营造高品质生活环境。",
	 "307国道与开明街交叉口北侧", NULL, NULL, false, false, 87,
	 {ACCEPT(87),
	  ASSIGN(86, "zfj,zgj", 45, "综合行政执法局牵头，自然资源和规划局配合"),
	  P(82, "完成违法建筑权属调查，下达限期拆除决定书并张榜公示"),
	  P(74, "组织集中拆除，占地2500平方米的违法建筑已全部拆除，建筑垃圾清运完毕"),
	  P(66, "即清即绿：已种植各类苗木140株，正在铺种草坪"),
	  RESOLVE(58, "违法建筑已全部拆除，口袋公园建成开放：种植各类苗木140株，铺种草坪2000余平方米。"),
	  RATE(56, "satisfied", "周边居民代表回访：环境变好了，晚上有地方遛弯了"),
	  CLOSE(55, "经现场核验，口袋公园已建成开放，予以销号")}},
	/* 000: an 800 m² illegal building at 金岛小区's south-west corner, to
	 * become a community park; still open after its deadline (督办). */
	{"jindao", "inspection", "", "illegal-building", "jindao", "inspection",
	 "金岛小区西南角违建拆除，推进社区公园建设",
	 "巡查发现金岛小区西南角一处占地800平方米的违法建筑长期占用小区公共空间。"
	 "拆除后建设社区公园，营造高品质生活环境。",
	 "金岛小区西南角", NULL, NULL, false, false, 46,
	 {ACCEPT(46), ASSIGN(45, "zfj", 25, NULL),
	  P(38, "已下达限期拆除通知书，当事人提出异议，正在复核"),
	  P(22, "违建已拆除，正在进行场地平整，社区公园设计方案正在征求居民意见")}},
	/* 000: 黄河路's 41 transformer boxes dressed up. */
	{"boxes", "project", "", "facilities", "huanghelu", "inspection",
	 "黄河路沿途41个变电箱整体美化",
	 "对建成区重要路段变电箱进行整体美化，给绿草合围的绿化带中灰色的电表箱、变电箱披上靓丽的外衣。"
	 "首批实施黄河路沿途41个变电箱。",
	 "黄河路沿线", NULL, NULL, false, false, 81,
	 {ACCEPT(81), ASSIGN(80, "zfj,gdgs", 40, "综合行政执法局牵头，供电公司配合安全监护"),
	  P(72, "完成黄河路沿线变电箱摸底，共41个，确定彩绘方案"),
	  P(60, "已完成26个变电箱彩绘美化"),
	  RESOLVE(50, "黄河路沿途41个变电箱已全部完成美化，灰色电表箱披上了靓丽的外衣。"),
	  RATE(49, "satisfied", NULL), CLOSE(47, NULL)}},
	/* 000: the central kindergarten (about 22 亩): plan passed the city's
	 * joint review and planning committee, construction drawings under way. */
	{"kindergarten", "project", "", "education", "dq", "inspection",
	 "中心幼儿园建设项目（规划占地约22亩）",
	 "列入“我为群众办实事”重点民生项目清单。新建中心幼儿园一所，规划占地约22亩，"
	 "解决辖区适龄儿童就近入园难的问题。",
	 NULL, NULL, NULL, false, false, 89,
	 {ACCEPT(89), ASSIGN(88, "jyj,zgj,zjj", 60, "教育局牵头，自然资源和规划局、住房和城乡建设局配合"),
	  P(75, "初步规划方案已通过市级联审会和规委会"),
	  P(55, "正在进行施工图设计"),
	  {ACT_REQUEST_EXTENSION, 35, "施工图设计及审查周期较长，申请延期", NULL, 90},
	  {ACT_EXTEND, 34, "同意延期，请倒排工期、按周报送进度", NULL, 0},
	  P(12, "施工图设计已完成，正在送审")}},
	/* 000: 100+ clean public toilets in the villages; budget under review. */
	{"toilets", "project", "", "rural", NULL, "inspection",
	 "农村公共厕所改造提升，安装清洁公共厕所100余座",
	 "按照《沧州经济开发区农村公共厕所改造提升方案》，在辖区七村改造提升农村公共厕所，"
	 "预计安装清洁公共厕所100余座。",
	 NULL, NULL, NULL, false, false, 85,
	 {ACCEPT(85), ASSIGN(84, "swj,cun", 120, "社会事务局牵头，各村“两委”配合选址"),
	  P(70, "完成七村公厕点位摸排和选址"),
	  P(40, "预算编制工作已完成，进入预算评审阶段")}},
	/* 000 and 003: smart safe communities, done; awaiting verification. */
	{"safe", "project", "", "safety", NULL, "inspection", "智慧平安社区建设工程",
	 "安装改造前端智能感知设备，推进技防入户，建设智慧安防小区。", NULL, NULL, NULL, false,
	 false, 83,
	 {ACCEPT(83), ASSIGN(82, "gaj", 75, NULL),
	  P(60, "前端智能感知设备安装改造完成，正在推进技防入户"),
	  RESOLVE(15, "已安装改造前端智能感知设备，完成建设优选小区6个、示范型小区3个，"
		      "智慧安防小区建设完成率达到100%。")}},
	/* 000 and 003: shanty-town renovation, just assigned. */
	{"shanty", "project", "", "property", NULL, "inspection", "棚户区改造工程",
	 "列入“我为群众办实事”重点民生项目清单，推进棚户区改造，改善群众居住条件。", NULL, NULL,
	 NULL, false, false, 7, {ACCEPT(6), ASSIGN(5, "zjj", 180, NULL)}},
	/* 000 (微心愿 boxes in the seven villages) and 001 (7,000+ books for the
	 * villages' reading rooms). */
	{"books", "wish", "", "wish", "yzz", "box", "群众微心愿：村里农家书屋添些新书",
	 "通过“群众微心愿”征集箱留言：村里农家书屋的书又少又旧，希望添些农业技术、养生保健和儿童读物。",
	 NULL, "孙大爷", NULL, false, false, 71,
	 {ACCEPT(70), ASSIGN(70, "dzb", 0, NULL),
	  P(60, "已将七村农家书屋图书需求汇总，统一采购"),
	  RESOLVE(40, "为辖区村委会购置图书7000余册，充实农家书屋，并完善了书屋设施和管理。"),
	  RATE(38, "satisfied", "书多了，孩子放学有地方看书了"), CLOSE(37, NULL)}},
	/* 000: among the 156 problems handled, 农民工欠薪 (unpaid wages). */
	{"wages", "petition", "", "labour", "sgt", "petition", "农民工反映厂房工地拖欠工资",
	 "我们12名工人在开发区一处厂房工地做钢筋工，工程完工已两个多月，劳务老板一直拖欠工资共18万余元，"
	 "多次讨要无果。",
	 NULL, "刘先生", "13900003871", false, true, 31,
	 {{ACT_ACCEPT, 30, "已登记信访事项，转人社局限期办理", NULL, 0},
	  ASSIGN(30, "rsj", 20, NULL),
	  P(28, "约谈施工总包单位和劳务分包负责人，核实欠薪人数和金额"),
	  P(24, "督促总包单位启用农民工工资保证金先行垫付"),
	  RESOLVE(20, "施工总包单位已将拖欠的工资全部发放到12名农民工个人账户，工人已确认收到。"),
	  RATE(19, "satisfied", "工资拿到了，谢谢"), CLOSE(18, NULL)}},
	/* 000: 车位 (parking spaces); the owner is not satisfied: 重办. */
	{"parking", "request", "投诉", "property", "hengtai", "hotline",
	 "恒泰花园车位只售不租，业主停车难",
	 "恒泰花园地下车位开发商只卖不租，价格太高，很多业主买不起，车只能停在小区道路和消防通道上，"
	 "希望协调开放租赁。",
	 NULL, "赵女士", "13700002519", false, false, 21,
	 {ACCEPT(21), ASSIGN(20, "zjj", 0, NULL),
	  P(17, "约谈开发商和物业公司，要求落实车位出租政策"),
	  RESOLVE(8, "开发商同意拿出部分车位对外出租，租金按每月300元执行。"),
	  RATE(5, "dissatisfied", "租金还是太高，出租的车位太少")}},
	/* 000: waste sorting in 恒泰花园, 逸城浅水湾 and 泰古香槟郡: 500+ leaflets,
	 * 50+ questions answered. */
	{"sorting", "request", "建议", "waste-sorting", "hengtai", "web",
	 "建议在小区开展垃圾分类宣传，设置分类垃圾箱",
	 "恒泰花园、逸城浅水湾、泰古香槟郡几个小区的垃圾桶不分类，居民也不太懂怎么分，"
	 "建议开展垃圾分类宣传，摆放分类垃圾箱。",
	 NULL, "钱先生", "15800006032", false, false, 66,
	 {ACCEPT(65), ASSIGN(65, "zfj", 0, NULL),
	  P(63, "制定垃圾分类宣传方案，联系三个小区物业"),
	  RESOLVE(61, "深入恒泰花园、逸城浅水湾、泰古香槟郡小区开展垃圾分类宣传，摆放展示牌和分类垃圾箱，"
		      "发放宣传资料500余份和环保垃圾袋，现场解答居民咨询50余人次。"),
	  RATE(60, "basic", "宣传挺好，希望常态化"), CLOSE(58, NULL)}},
	/* 002: 11号楼's 楼长 found a loose manhole cover; with two other 楼长 he
	 * welded a frame of old iron pipe to hold it. Misrouted first. */
	{"manhole", "request", "求助", "traffic", "yzq", "visit",
	 "一中前小区11号楼旁井盖松动，存在安全隐患",
	 "一中前小区11号楼旁边有个井盖松动，踩上去直晃，晚上看不清，老人孩子路过很危险。",
	 "一中前小区11号楼旁", "张先生", "13600007714", false, false, 27,
	 {ACCEPT(26), ASSIGN(26, "zjj", 0, NULL),
	  {ACT_RETURN, 25, "经现场查看，该井盖属小区内部庭院管网，不属于市政管网；小区无物业，建议由社区组织处置",
	   NULL, 0},
	  ASSIGN(25, "cun", 0, "转北门社区组织处置"),
	  P(24, "社区已在井盖处设置警示标志，楼门长轮流看护"),
	  RESOLVE(23, "11号楼楼长与10号楼、23号楼楼长用旧铁管焊了个架子，把井盖固定好；"
		      "社区已登记，纳入老旧小区改造统一更换。"),
	  RATE(22, "satisfied", NULL), CLOSE(21, NULL)}},
	/* 002: the estate shares one sewer with the shops on the street; the
	 * 楼长 talked to the shops, asked the residents and called a suction truck. */
	{"sewer", "request", "求助", "water", "yzq", "hotline", "一中前小区下水管道堵塞，污水外溢",
	 "一中前小区的下水管道堵了，污水从井里往外冒。小区和沿街门店共用一条下水管道，门店油污多，经常堵。",
	 NULL, "何女士", "13500004286", false, false, 16,
	 {ACCEPT(16), ASSIGN(16, "swgs,cun", 0, "水务公司牵头，北门社区配合协调沿街门店"),
	  P(15, "社区楼长分头行动：与沿街门店负责人协调，入户征集居民意见，联系吸污车"),
	  RESOLVE(14, "吸污车对小区与沿街门店共用的下水管道进行了疏通，管道已恢复通畅；"
		      "已与门店约定加装隔油池。"),
	  RATE(13, "satisfied", NULL), CLOSE(12, NULL)}},
	/* the same sewer, reported again the same day: merged. */
	{"sewer2", "request", "投诉", "water", "yzq", "hotline", "一中前小区门口下水道堵了，满地污水",
	 "一中前小区门口那段下水道又堵了，满地都是污水，走路都没地方下脚。", NULL, "马大爷",
	 "13800005167", false, false, 16, {{ACT_MERGE, 16, NULL, "sewer", 0}}},
	/* 002: many flats under renovation; the rubbish must be cleared. */
	{"rubble", "request", "投诉", "city", "yzq", "web", "一中前小区楼道装修垃圾未及时清运",
	 "最近小区里装修的多，好几个楼道门口堆着装修的建筑垃圾，好几天没人清走，影响通行。", NULL,
	 "齐女士", "15900008840", false, false, 2, {ACCEPT(1)}},
	/* 002: 北门社区's 11 estates are mostly old and have no property management. */
	{"nomgmt", "request", "建议", "property", "beimen", "web",
	 "北门社区老旧小区无物业管理，楼内外卫生无人维护",
	 "北门社区辖区11个小区多为老旧小区，没有物业管理，基础设施保养、楼内楼外卫生维护没人牵头，"
	 "建议引入物业或由社区统一托管。",
	 NULL, "吕先生", "18600001392", false, false, 1, {{0, 0, NULL, NULL, 0}}},
	/* 002: doctors of the city's central hospital held a free clinic in 高庄子村. */
	{"clinic", "wish", "", "health", "gzz", "box", "高庄子村老人微心愿：希望医生进村义诊",
	 "村里老年人多，去城里医院看病不方便，希望能请医生到村里量量血压、看看病。", NULL, "郭大娘",
	 NULL, false, false, 52,
	 {ACCEPT(51), ASSIGN(51, "wjj", 0, NULL),
	  P(47, "已联系市中心医院，确定义诊时间和科室"),
	  RESOLVE(44, "东区管理服务中心邀请市中心医院医护人员走进高庄子村，开展“爱心义诊进农村 "
		      "便民服务暖人心”活动，为村民量血压、测血糖、普及健康知识。"),
	  RATE(43, "satisfied", NULL), CLOSE(42, NULL)}},
	/* 002: 338 online food outlets checked; two had problems and were fixed. */
	{"food", "inspection", "", "market", NULL, "inspection",
	 "网络订餐专项检查发现2家入网餐饮单位证照公示不规范",
	 "对辖区338家入网餐饮服务单位全覆盖摸查，检查入网餐饮服务单位100余家，发现2家未在经营主页面"
	 "公示食品经营许可证，网上公示信息与实体店不一致。",
	 NULL, NULL, NULL, false, false, 36,
	 {ACCEPT(36), ASSIGN(36, "scj", 0, NULL),
	  P(35, "已对2家问题单位下达责令整改通知书"),
	  RESOLVE(30, "经复查，2家问题单位已整改到位，证照信息与实体店一致。"),
	  CLOSE(29, "经复查整改到位，予以销号")}},
	/* 004: 荷花道片区, nearly 30,000 m² of illegal buildings removed. */
	{"hehua", "project", "", "illegal-building", "hhd", "inspection",
	 "荷花道片区违法建设集中拆除（近3万平方米）",
	 "对违法用地和违法建设问题，群众意见很大。对荷花道片区近3万平方米违建实施集中拆除。", NULL,
	 NULL, NULL, false, false, 78,
	 {ACCEPT(78), ASSIGN(78, "zfj", 30, NULL),
	  P(70, "完成入户告知和违建测绘，制定拆除方案"),
	  RESOLVE(57, "荷花道片区近3万平方米违建已集中拆除，得到了群众一致称赞。"),
	  RATE(55, "satisfied", NULL), CLOSE(54, NULL)}},
	/* 004: next, about 30,000 m² in 花园道 and 桐柏片区. */
	{"huayuan", "project", "", "illegal-building", "hyd", "inspection",
	 "花园道片区、桐柏片区历史违建拆除（约3万平方米）",
	 "接下来对历史形成的花园道片区、桐柏片区约3万平方米违建实施拆除。", NULL, NULL, NULL, false,
	 false, 4, {ACCEPT(3), ASSIGN(3, "zfj", 90, NULL)}},
	/* 004: 憩园小区 (29 buildings, 1990s) renovation in 18 respects. */
	{"qiyuan", "project", "", "property", "qyxq", "inspection",
	 "憩园小区改造工程：屋顶防水大修、更换单元门、楼体外墙粉刷等18个方面",
	 "憩园小区建成于上世纪90年代中期，共有29栋住宅楼。改造内容包括屋顶防水大修、更换单元门、"
	 "楼体外墙粉刷等18个方面。",
	 NULL, NULL, NULL, false, false, 90,
	 {ACCEPT(90), ASSIGN(89, "zjj,cun", 75, "住房和城乡建设局牵头，憩园社区配合"),
	  P(80, "屋顶防水大修完成12栋"), P(62, "单元门更换完成，外墙粉刷进行中"),
	  RESOLVE(33, "憩园小区改造工程18个方面全部完工，小区面貌焕然一新。"),
	  RATE(31, "satisfied", "小区环境优美、秩序井然，生活在这里很幸福"), CLOSE(30, NULL)}},
	/* 004: small advertisements in the stairwells, solved by 楼宇文化. */
	{"ads", "request", "投诉", "city", "qyxq", "hotline", "憩园小区楼道乱贴小广告",
	 "憩园小区好几栋楼的楼道里贴满了开锁、疏通下水道的小广告，刚刷的墙又被贴花了。", NULL,
	 "崔先生", "13400006675", false, false, 25,
	 {ACCEPT(25), ASSIGN(24, "cun", 0, NULL),
	  P(22, "社区组织志愿者清理楼道小广告，征集居民书法、绘画作品"),
	  RESOLVE(18, "建起楼宇文化示范楼，将征集的书法、绘画作品与文明城市创建标语装裱后悬挂在楼道内，"
		      "楼道乱贴小广告的问题得到解决。"),
	  RATE(16, "satisfied", NULL), CLOSE(15, NULL)}},
	/* 004: a 检视问题: residents registered here but working elsewhere. */
	{"errands", "inspection", "", "gov-service", "qiyuan", "inspection",
	 "居民户籍在社区、工作在外地，往返办理手续不便",
	 "班子成员检视问题：社区人员流动性较大，一些居民户籍在社区、工作在外地，往返办理一些手续十分不便。",
	 NULL, NULL, NULL, false, false, 60,
	 {ACCEPT(60), ASSIGN(59, "spj", 30, NULL),
	  P(50, "梳理可网上办理、就近办理事项清单"),
	  RESOLVE(40, "全面推行审批服务“马上办、网上办、就近办、一次办”，居民可在手机上预约和办理，"
		      "不动产登记等事项实现跑一次。"),
	  RATE(39, "basic", NULL), CLOSE(38, NULL)}},
	/* 001: 电子屏公开查询系统 for 三务 disclosure; sent to the wrong office. */
	{"screen", "request", "建议", "gov-service", "lz", "box", "建议村部设置电子屏公开查询村务",
	 "村务公开栏内容多、字小，老人看不清，建议在村部设置电子屏公开查询系统，重要事项也在微信群公开。",
	 NULL, "李大爷", NULL, false, false, 9,
	 {ACCEPT(8), ASSIGN(8, "spj", 0, NULL),
	  {ACT_RETURN, 7, "村务公开由党政办公室和各村“两委”负责，不属于本局职责，请重新派单", NULL, 0}}},
	/* a civil dispute already before a court: not accepted. */
	{"dispute", "request", "投诉", "rural", "lz", "visit", "反映与邻居宅基地纠纷，要求拆除邻居新建院墙",
	 "邻居新砌的院墙占了我家宅基地半米多，找村里调解了两次没有结果，要求管委会出面拆除。", NULL,
	 "杨先生", "13300009025", false, false, 11,
	 {{ACT_REJECT, 10, "该宅基地权属纠纷已由人民法院立案审理，依法不予受理，已向反映人解释说明", NULL,
	   0}}},
	/* 001: an enterprise helped to apply for a provincial programme. */
	{"heatpump", "request", "求助", "enterprise", NULL, "web",
	 "卡林热泵申请协助申报被动式超低能耗建筑产业项目",
	 "我公司计划申报河北省被动式超低能耗建筑产业项目，对申报条件和材料要求不熟悉，希望得到指导。",
	 NULL, "陈经理", "13100002288", true, false, 70,
	 {ACCEPT(70), ASSIGN(69, "jfj", 0, NULL),
	  P(66, "经发局、企业家直通车上门了解企业情况，逐项对照申报条件"),
	  RESOLVE(56, "帮助企业准备申报材料，卡林热泵已成功申报河北省被动式超低能耗建筑产业项目。"),
	  RATE(55, "satisfied", "服务很到位"), CLOSE(53, NULL)}},
	/* 003 (永清县), kept in traditional Chinese as written: 16 of the
	 * province's livelihood projects, 9 done, among them public parking. */
	{"parking-yq", "project", "", "traffic", NULL, "inspection", "城市公共停車設施建設工程",
	 "按照省、市確定的民生工程，細化民生工程項目清單，實行臺賬管理，層層壓實責任。"
	 "建設城市公共停車設施，緩解停車難。",
	 NULL, NULL, NULL, false, false, 89,
	 {ACCEPT(89), ASSIGN(89, "zjj", 60, NULL), P(70, "完成選址和設計"),
	  P(50, "主體施工完成"), RESOLVE(35, "城市公共停車設施建設工程已經完成。"),
	  CLOSE(33, NULL)}},
	{"hongye", "project", "", "traffic", "xq", "inspection", "宏業路建設工程",
	 "列入23項重點民生項目，做到日日有變化、周周有進度，確保如期高標準完成。", "宏業路", NULL,
	 NULL, false, false, 88,
	 {ACCEPT(88), ASSIGN(88, "zjj", 90, NULL), P(60, "路基、管網施工完成"),
	  RESOLVE(40, "宏業路建設工程提前完成，已通車。"), CLOSE(38, NULL)}},
	{"hospital", "project", "", "health", NULL, "inspection", "北辛溜醫院綜合樓主體工程",
	 "健全完善醫療服務體系，高標準建設北辛溜醫院綜合樓。", NULL, NULL, NULL, false, false, 84,
	 {ACCEPT(84), ASSIGN(84, "wjj,zjj", 75, NULL), P(55, "主體結構施工過半"),
	  RESOLVE(10, "高標準完成北辛溜醫院綜合樓主體工程建設。")}},
};

static const char *const resident_channels[] = {"web", "app", "kiosk"};

/* The seed with this key, or NULL. */
static const seed *seed_by_key(const char *key)
{
	for (size_t i = 0; key && i < ARRAY_LEN(seeds); i++)
		if (strcmp(seeds[i].key, key) == 0)
			return &seeds[i];
	return NULL;
}

/* The number of the matter of another seed, "" before it is submitted. */
static const char *seed_number(demo_ctx *c, const char *key)
{
	const seed *s = seed_by_key(key);
	for (size_t i = 0; s && i < c->nwalkers; i++)
		if (c->walkers[i].spec == s)
			return c->walkers[i].number;
	return "";
}

/* Hand in a seed matter: residents online, projects and inspections by
 * the leader, the rest entered by a clerk. */
static int seed_submit(demo_ctx *c, demo_walker *w, const seed *s)
{
	actor resident;
	memset(&resident, 0, sizeof resident);
	const actor *who = demo_clerk(c, (unsigned)(s - seeds));
	for (size_t i = 0; i < ARRAY_LEN(resident_channels); i++)
		if (strcmp(s->channel, resident_channels[i]) == 0)
			who = &resident;
	if (strcmp(s->kind, "project") == 0 || strcmp(s->kind, "inspection") == 0)
		who = &c->leader;
	submission sub = {
		.kind = s->kind, .subkind = s->subkind,
		.category_id = demo_category(c, s->category), .area_id = demo_area(c, s->area),
		.title = s->title, .description = s->description, .address = s->address,
		.channel = s->channel, .submitter_name = s->name, .submitter_phone = s->phone,
		.submitter_kind = s->enterprise ? "enterprise" : "resident",
		.is_public = !s->private_,
	};
	return demo_submit(c, who, &sub, w->t, w->number);
}

/* Assign to "lead[,co[,co]]". */
static int seed_assign(demo_ctx *c, demo_walker *w, const step *st)
{
	int64_t co[2];
	size_t nco = 0;
	char codes[64];
	snprintf(codes, sizeof codes, "%s", st->arg);
	char *save = NULL, *lead = strtok_r(codes, ",", &save);
	for (char *x; nco < 2 && (x = strtok_r(NULL, ",", &save));)
		co[nco++] = demo_dept(c, x);
	char deadline[11] = "";
	if (st->days)
		demo_date_plus(w->t, st->days, deadline);
	w->dept = demo_dept(c, lead);
	const actor *h = demo_handler(c, w->dept);
	action_input in = {.act = ACT_ASSIGN, .note = st->note, .department_id = w->dept,
			   .assignee_id = h->role == ROLE_HANDLER ? h->user_id : 0,
			   .deadline = deadline[0] ? deadline : NULL, .codepartments = co,
			   .ncodepartments = nco};
	return demo_act(c, demo_clerk(c, (unsigned)w->pos), w->number, &in, w->t);
}

/* One scripted step, by the actor whose job it is. */
static int seed_act(demo_ctx *c, demo_walker *w, const step *st)
{
	action_input in = {.act = st->act, .note = st->note, .note_public = true};
	const actor *who = demo_handler(c, w->dept);
	char deadline[11] = "";
	switch (st->act) {
	case ACT_ASSIGN:
		return seed_assign(c, w, st);
	case ACT_ACCEPT:
	case ACT_REJECT:
	case ACT_RATE:
	case ACT_MERGE:
		who = demo_clerk(c, (unsigned)w->pos);
		in.rating = st->arg;
		in.merge_into = st->act == ACT_MERGE ? seed_number(c, st->arg) : NULL;
		break;
	case ACT_REQUEST_EXTENSION: {
		char current[11];
		demo_deadline(c, w->number, current);
		demo_date_plus(w->t, st->days, deadline);
		if (current[0] && strcmp(deadline, current) <= 0) {
			tz_date cur;
			workday_date_parse(current, &cur);
			workday_date_format(workday_date_add_days(cur, 7), deadline);
		}
		in.deadline = deadline;
		break;
	}
	case ACT_EXTEND:
	case ACT_CLOSE:
	case ACT_REOPEN:
		who = &c->leader;
		break;
	default:
		break;
	}
	int rc = demo_act(c, who, w->number, &in, w->t);
	if (rc == LEDGER_OK && st->act == ACT_RETURN)
		w->dept = 0;
	return rc;
}

/* Do the next thing in the seed's script and schedule the one after. */
static int seed_step(demo_ctx *c, demo_walker *w)
{
	const seed *s = w->spec;
	int rc = w->pos == 0 ? seed_submit(c, w, s) : seed_act(c, w, &s->steps[w->pos - 1]);
	if (rc != LEDGER_OK)
		return -1;
	w->pos++;
	const step *next = w->pos - 1 < (int)ARRAY_LEN(s->steps) ? &s->steps[w->pos - 1] : NULL;
	if (!next || next->ago <= 0) {
		w->t = 0;
		return 0;
	}
	int64_t t = demo_workday_at(c, next->ago, 9 * 60 + (w->pos * 53) % 420);
	w->t = t > w->t + 900 ? t : w->t + 900;
	return 0;
}

void demo_seed_load(demo_ctx *c)
{
	for (size_t i = 0; i < ARRAY_LEN(seeds); i++) {
		demo_walker *w = demo_walker_add(c);
		w->spec = &seeds[i];
		w->step = seed_step;
		w->t = demo_workday_at(c, seeds[i].ago, 8 * 60 + 35 + (int)(i * 17) % 120);
	}
}
