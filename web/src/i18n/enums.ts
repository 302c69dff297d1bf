// Labels for the API's enumerations (system attributes, risk and control vocabulary) in both languages.
// Unknown values fall back to the raw value, so a newer server never breaks the console.
type Labels = Record<string, Record<string, [en: string, zh: string]>>;

export const ENUMS = {
  grade: { low: ['Low', '低'], medium: ['Medium', '中'], high: ['High', '高'], critical: ['Critical', '极高'] },
  priority: { high: ['High', '高'], medium: ['Medium', '中'], low: ['Low', '低'] },
  riskStatus: {
    proposed: ['Proposed', '待确认'], identified: ['Identified', '已识别'], analysed: ['Analysed', '已分析'], treating: ['Treating', '处置中'],
    treated: ['Treated', '已处置'], accepted: ['Accepted', '已接受'], closed: ['Closed', '已关闭'], rejected: ['Rejected', '已驳回'],
  },
  riskSource: { manual: ['Manual', '人工录入'], suggestion: ['Suggestion', '规则建议'], evaluation: ['Evaluation', '测评'], scan: ['Scan', '扫描'], runtime: ['Runtime', '运行时'], incident: ['Incident', '事件'] },
  strategy: { avoid: ['Avoid', '规避'], mitigate: ['Mitigate', '降低'], accept: ['Accept', '接受'], transfer: ['Transfer', '转移'] },
  impactDim: { peopleSafety: ['People\'s safety', '人身安全'], financial: ['Financial', '财产'], legal: ['Legal', '法律合规'], reputation: ['Reputation', '声誉'], societal: ['Societal', '社会'] },
  reviewOutcome: { unchanged: ['Unchanged', '无变化'], reassess: ['Re-assess', '需重新评估'], close: ['Close', '关闭'] },
  controlStatus: { planned: ['Planned', '计划中'], 'in-progress': ['In progress', '实施中'], implemented: ['Implemented', '已实施'], verified: ['Verified', '已验证'], 'not-applicable': ['Not applicable', '不适用'] },
  domain: {
    finance: ['Finance', '金融'], medical: ['Medical', '医疗'], government: ['Government', '政务'], education: ['Education', '教育'], transport: ['Transport', '交通'],
    energy: ['Energy', '能源'], telecom: ['Telecom', '电信'], 'public-safety': ['Public safety', '公共安全'], 'critical-infrastructure': ['Critical infrastructure', '关键基础设施'],
    employment: ['Employment', '就业'], legal: ['Legal', '司法'], retail: ['Retail', '零售'], media: ['Media', '媒体'], entertainment: ['Entertainment', '娱乐'], social: ['Social', '社交'],
    'software-engineering': ['Software engineering', '软件工程'], manufacturing: ['Manufacturing', '制造'], 'internal-operations': ['Internal operations', '内部运营'], general: ['General', '通用'],
  },
  population: { internal: ['Internal staff', '内部员工'], business: ['Business customers', '企业客户'], public: ['General public', '公众'], minors: ['Minors', '未成年人'] },
  lifecycleStage: { planning: ['Planning', '规划'], design: ['Design', '设计'], development: ['Development', '开发'], testing: ['Testing', '测试'], deployment: ['Deployment', '部署'], operation: ['Operation', '运行'], retired: ['Retired', '退役'] },
  organisationRole: { 'technology-provider': ['Technology provider', '技术提供者'], 'application-provider': ['Application provider', '应用提供者'], both: ['Both', '两者兼具'] },
  deploymentMode: { saas: ['SaaS', 'SaaS 服务'], 'public-api': ['Public API', '公开 API'], 'private-cloud': ['Private cloud', '私有云'], 'on-premise': ['On premise', '本地部署'], edge: ['Edge', '边缘'], embedded: ['Embedded', '嵌入式'] },
  autonomyLevel: { L1: ['L1 — assists', 'L1 辅助'], L2: ['L2 — suggests', 'L2 建议'], L3: ['L3 — acts with oversight', 'L3 监督下执行'], L4: ['L4 — acts autonomously', 'L4 自主执行'] },
  modelSource: { proprietary: ['Proprietary', '自研'], 'open-source': ['Open source', '开源'], 'third-party-api': ['Third-party API', '第三方 API'], 'fine-tuned': ['Fine-tuned', '微调'] },
  capability: {
    'text-generation': ['Text generation', '文本生成'], 'image-generation': ['Image generation', '图像生成'], 'audio-generation': ['Audio generation', '音频生成'], 'video-generation': ['Video generation', '视频生成'],
    'code-generation': ['Code generation', '代码生成'], rag: ['Retrieval (RAG)', '检索增强'], 'tool-use': ['Tool use', '工具调用'], agent: ['Agent', '智能体'], 'decision-support': ['Decision support', '决策支持'],
    'automated-decision': ['Automated decisions', '自动化决策'], 'biometric-identification': ['Biometric identification', '生物特征识别'], 'emotion-recognition': ['Emotion recognition', '情绪识别'],
    profiling: ['Profiling', '用户画像'], recommendation: ['Recommendation', '推荐'], companionship: ['Companionship', '陪伴'], 'content-moderation': ['Content moderation', '内容审核'],
  },
  dataCategory: {
    public: ['Public', '公开数据'], proprietary: ['Proprietary', '专有数据'], personal: ['Personal', '个人信息'], 'sensitive-personal': ['Sensitive personal', '敏感个人信息'], biometric: ['Biometric', '生物特征'],
    health: ['Health', '健康'], financial: ['Financial', '金融账户'], minors: ['Minors\' data', '未成年人信息'], 'important-data': ['Important data', '重要数据'], 'source-code': ['Source code', '源代码'], credentials: ['Credentials', '凭证'],
  },
  jurisdiction: { cn: ['China', '中国'], eu: ['EU', '欧盟'], us: ['US', '美国'], other: ['Other', '其他'] },
  euTier: { prohibited: ['Prohibited', '禁止'], 'high-risk': ['High-risk', '高风险'], 'limited-risk': ['Limited risk', '有限风险'], 'minimal-risk': ['Minimal risk', '最低风险'], gpai: ['GPAI', '通用模型'], 'gpai-systemic': ['GPAI with systemic risk', '系统性风险通用模型'] },
  evidenceKind: { evaluation: ['Evaluation', '测评'], guardrail: ['Guardrail', '护栏'], policy: ['Policy', '策略'], scan: ['Scan', '扫描'], label: ['Label', '标识'], 'monitor-alert': ['Monitoring alert', '监测告警'], attestation: ['Attestation', '人工证明'] },
  producer: { evaluate: ['Evaluate', '测评'], guard: ['Guard', '防护'], gateway: ['Gateway', '网关'], scan: ['Scan', '扫描'], label: ['Label', '标识'], monitor: ['Monitor', '监测'], manual: ['Manual', '人工'], import: ['Import', '导入'] },
  incidentStatus: { open: ['Open', '未处理'], investigating: ['Investigating', '调查中'], resolved: ['Resolved', '已解决'], closed: ['Closed', '已关闭'] },
  severity: { info: ['Info', '提示'], low: ['Low', '低'], medium: ['Medium', '中'], high: ['High', '高'], critical: ['Critical', '严重'] },
  role: { admin: ['Admin', '管理员'], 'risk-officer': ['Risk officer', '风险官'], engineer: ['Engineer', '工程师'], auditor: ['Auditor', '审计员'] },
  histAction: {
    create: ['Created', '创建'], assess: ['Assessed', '评估'], treat: ['Treatment set', '制定处置'], residual: ['Residual assessed', '剩余风险评估'], review: ['Reviewed', '复审'],
    status: ['Status changed', '状态变更'], 'set-status': ['Status set', '设置状态'], update: ['Updated', '更新'],
    'major-change': ['Major change', '重大变更'], 'flag-reassessment': ['Flagged for re-assessment', '标记为需重新评估'], 'flag-reverification': ['Flagged for re-verification', '标记为需重新验证'],
    'evidence-raise-likelihood': ['Evidence raised the likelihood', '证据提高了可能性'], 'evidence-verified': ['Verified by evidence', '经证据验证'], 'evidence-implemented': ['Implemented per evidence', '证据表明已实施'],
    'evidence-flag': ['Flagged by evidence', '证据标记'], 'status-identified': ['Accepted into the register', '确认入册'], 'status-rejected': ['Proposal rejected', '驳回建议'], 'status-closed': ['Closed', '关闭'],
    reapply: ['Re-applied', '重新适用'], retire: ['Retired', '不再适用'],
    open: ['Opened', '登记'], 'status-open': ['Reopened', '重新打开'], 'status-investigating': ['Investigation started', '开始调查'], 'status-resolved': ['Resolved', '已解决'],
  },
  gwAction: { allow: ['Allowed', '放行'], flag: ['Flagged', '标记'], mask: ['Masked', '脱敏'], confirm: ['Held for confirmation', '待人工确认'], block: ['Blocked', '拦截'] },
  gwDirection: { input: ['Input', '输入'], output: ['Output', '输出'], tool: ['Tool call', '工具调用'] },
  circuit: { closed: ['Closed (healthy)', '闭合（正常）'], open: ['Open (failing)', '断开（故障）'], 'half-open': ['Half-open (probing)', '半开（探测中）'] },
  confirmationStatus: { pending: ['Pending', '待处理'], approved: ['Approved', '已批准'], denied: ['Denied', '已拒绝'], expired: ['Expired', '已过期'], consumed: ['Used', '已使用'] },
  toolDecision: { allow: ['allow', '放行'], deny: ['deny', '拒绝'], confirm: ['confirm', '人工确认'] },
  runStatus: { running: ['Running', '运行中'], completed: ['Completed', '已完成'], aborted: ['Aborted', '已中止'], failed: ['Failed', '失败'], interrupted: ['Interrupted', '已中断'] },
  resultStatus: { pass: ['Pass', '通过'], fail: ['Fail', '未通过'], inconclusive: ['Inconclusive', '样本不足'], 'no-data': ['No data', '无数据'] },
  metric: { refusal_rate: ['Refusal rate', '拒答率'], over_refusal_rate: ['Over-refusal rate', '误拒率'], pass_rate: ['Pass rate', '通过率'], attack_success_rate: ['Attack success rate', '攻击成功率'], framing_discordance_rate: ['Framing discordance', '表述差异率'], accuracy: ['Accuracy', '准确率'], unbiased_rate: ['Unbiased rate', '无偏率'] },
  outcome: { fail: ['Failed', '未通过'], pass: ['Passed', '通过'], 'could-not-score': ['Could not score', '无法评分'], error: ['Errors', '出错'] },
  significance: { significant: ['Significant', '显著'], possible: ['Possible', '可能'] },
  policySource: { builtin: ['Built-in', '内置'], config: ['Config file', '配置文件'], api: ['API', 'API'] },
  upstreamType: { openai: ['OpenAI-compatible', 'OpenAI 兼容'], anthropic: ['Anthropic', 'Anthropic'] },
} satisfies Labels;

export type EnumGroup = keyof typeof ENUMS;
export const enumValues = <G extends EnumGroup>(g: G): (keyof (typeof ENUMS)[G] & string)[] => Object.keys(ENUMS[g]) as (keyof (typeof ENUMS)[G] & string)[];
