// The shapes of the answers to the queries in ../../queries/*.graphql.

export type QualifierName = "EXACT" | "APPROXIMATE" | "AT_LEAST" | "AT_MOST";

export interface Qualified {
  value: string | number;
  qualifier: QualifierName | string;
}

export interface Money {
  amount: string;
  currency: string;
  qualifier: QualifierName | string;
}

export interface MoneyTotal {
  amount: Money;
  records?: number;
}

export interface FuzzyDate {
  value: string;
  precision?: string;
  derived?: boolean;
  derivedHow?: string | null;
}

export interface Source {
  document: string;
  title: string;
  publisher: string | null;
  published: { value: string } | null;
  excerpt: string;
}

export interface People {
  groups: number;
  targeted: Qualified | null;
  reached?: Qualified | null;
  womenTargeted: Qualified | null;
  groupsWithoutTarget: number;
  groupsWithoutWomenShare: number;
  targetedWithoutWomenShare: number;
}

export interface StatsBucket {
  key: string | null;
  label: string;
  projectCount: number;
  projectsWithoutAmount: number;
  amounts: MoneyTotal[];
}

export interface ContributionBucket {
  key: string | null;
  label: string;
  contributionCount: number;
  amounts: MoneyTotal[];
}

export interface PartnerRef {
  id: string;
  code?: string;
  acronym: string | null;
  name: string;
}

export interface Contribution {
  id: string;
  code?: string;
  kind: string;
  amount: Money;
  periodStartYear: number;
  periodEndYear: number;
  donor: PartnerRef;
  recipient: PartnerRef;
  sources: Source[];
}

export interface OverviewData {
  totals: {
    total: {
      projectCount: number;
      projectsWithoutAmount: number;
      amounts: MoneyTotal[];
      people: People;
    };
  };
  byTheme: { buckets: StatsBucket[] };
  byCountry: { buckets: StatsBucket[] };
  partners: { totalCount: number };
  assessed: { total: { contributionCount: number; amounts: MoneyTotal[] }; buckets: ContributionBucket[] };
  voluntary: { total: { contributionCount: number; amounts: MoneyTotal[] }; buckets: ContributionBucket[] };
  contributions: { totalCount: number; edges: { node: Contribution }[] };
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Choice {
  key: string | null;
  label: string;
  projectCount: number;
}

export interface ProjectRow {
  id: string;
  code: string;
  title: string;
  acronym: string | null;
  status: string | null;
  budget: Money | null;
  countries: { code: string; name: string }[];
  regions: { code: string; name: string }[];
  themes: { slug: string; name: string }[];
  funders: { amount: Money | null; partner: PartnerRef }[];
}

export interface ProjectsData {
  projects: {
    totalCount: number;
    pageInfo: PageInfo;
    edges: { cursor: string; node: ProjectRow }[];
  };
  countryChoices: { buckets: Choice[] };
  themeChoices: { buckets: Choice[] };
  statusChoices: { buckets: Choice[] };
  funderChoices: { buckets: Choice[] };
}

export interface ProjectPartnerLink {
  role: string;
  amount: Money | null;
  partner: PartnerRef & { kind: string };
  sources: Source[];
}

export interface BeneficiaryGroup {
  id: string;
  code: string;
  description: string;
  categories: string[];
  targetCount: Qualified | null;
  reachedCount: Qualified | null;
  womenShare: Qualified | null;
  location: string | null;
  country: { code: string; name: string } | null;
  sources: Source[];
}

export interface Outcome {
  id: string;
  code: string;
  kind: string;
  statement: string;
  indicator: string | null;
  unit: string | null;
  baseline: Qualified | null;
  baselineYear: number | null;
  target: Qualified | null;
  actual: Qualified | null;
  progress: number | null;
  periodStart: FuzzyDate | null;
  periodEnd: FuzzyDate | null;
  sources: Source[];
}

export interface Project {
  __typename: "Project";
  id: string;
  code: string;
  version: number;
  title: string;
  acronym: string | null;
  summary: string | null;
  status: string | null;
  /** The IATI activity-status code as published, where `status` is null because the
   * ActivityStatus codelist does not hold it. */
  statusCode: string | null;
  statusAsOf: string | null;
  statusDerived: boolean;
  statusDerivedHow: string | null;
  plannedStart: FuzzyDate | null;
  plannedEnd: FuzzyDate | null;
  actualStart: FuzzyDate | null;
  actualEnd: FuzzyDate | null;
  durationMonths: number | null;
  durationDerivedHow: string | null;
  budget: Money | null;
  programmes: { id: string; code: string; name: string; acronym: string | null }[];
  previousPhase: { id: string; title: string } | null;
  nextPhases: { id: string; title: string }[];
  partners: ProjectPartnerLink[];
  countryLinks: {
    role: string;
    percentage: string | null;
    country: { code: string; name: string };
    sources: Source[];
  }[];
  regions: { code: string; name: string }[];
  themes: { slug: string; name: string }[];
  beneficiaryGroups: BeneficiaryGroup[];
  outcomes: Outcome[];
  agreements: { id: string; kind: string; title: string; signedOn: FuzzyDate | null; sources: Source[] }[];
  sources: Source[];
  reportingOrg: { ref: string; name: string | null } | null;
  transactions: Transaction[];
  budgets: Budget[];
}

/** An IATI code with its codelist name (null where the codelist lacks it). */
export interface Code {
  code: string;
  name: string | null;
}

/** An IATI value: exact, signed, with the date to convert it at. */
export interface IatiMoney {
  amount: string;
  currency: string;
  valueDate: string | null;
}

export interface OrganisationReference {
  ref: string | null;
  name: string | null;
  activityId: string | null;
}

export interface Transaction {
  id: string;
  ref: string | null;
  type: Code;
  date: string;
  value: IatiMoney | null;
  description: string | null;
  providerOrg: OrganisationReference | null;
  receiverOrg: OrganisationReference | null;
}

export interface Budget {
  id: string;
  type: Code;
  status: Code;
  periodStart: string;
  periodEnd: string;
  value: IatiMoney | null;
}

export interface OtherNode {
  __typename: string;
  id: string;
}

export interface PerCurrency {
  amounts: { amount: string; currency: string | null }[];
}

export interface ProjectData {
  node: Project | OtherNode | null;
  money: { total: { budget: PerCurrency; spend: PerCurrency; budgetLeft: PerCurrency } };
  people: { total: { amounts: MoneyTotal[]; people: People } };
}

export interface NetworkData {
  partners: {
    totalCount: number;
    edges: {
      node: {
        id: string;
        code: string;
        acronym: string | null;
        name: string;
        kind: string;
        parent: { id: string } | null;
      };
    }[];
  };
  programmes: {
    totalCount: number;
    edges: {
      node: {
        id: string;
        code: string;
        name: string;
        acronym: string | null;
        parent: { id: string } | null;
        partners: { role: string; partner: { id: string } }[];
      };
    }[];
  };
  projects: {
    totalCount: number;
    edges: {
      node: {
        id: string;
        code: string;
        title: string;
        acronym: string | null;
        programmes: { id: string }[];
        partners: { role: string; partner: { id: string } }[];
      };
    }[];
  };
}

export interface ProjectLink {
  id: string;
  code: string;
  title: string;
  status: string | null;
}

export interface Partner {
  __typename: "Partner";
  id: string;
  code: string;
  name: string;
  acronym: string | null;
  kind: string;
  website: string | null;
  description: string | null;
  iatiIdentifier: string | null;
  country: { code: string; name: string } | null;
  parent: PartnerRef | null;
  children: PartnerRef[];
  funding: ProjectLink[];
  implementing: ProjectLink[];
  accountable: ProjectLink[];
  extending: ProjectLink[];
  programmes: { id: string; name: string; acronym: string | null }[];
  contributions: Contribution[];
  facts: {
    id: string;
    topic: string;
    statement: string;
    asOf: { value: string } | null;
    value: Qualified | null;
    unit: string | null;
    countries: { code: string; name: string }[];
    sources: Source[];
  }[];
  sources: Source[];
}

export interface PartnerData {
  node: Partner | OtherNode;
}

export interface Programme {
  __typename: "Programme";
  id: string;
  code: string;
  name: string;
  acronym: string | null;
  description: string | null;
  startDate: FuzzyDate | null;
  endDate: FuzzyDate | null;
  parent: { id: string; name: string } | null;
  phases: { id: string; name: string }[];
  partners: { role: string; partner: PartnerRef; sources: Source[] }[];
  projects: ProjectLink[];
  sources: Source[];
}

export interface ProgrammeData {
  node: Programme | OtherNode;
}

export interface FinanceAmount {
  amount: string;
  currency: string | null;
  records: number;
}

export interface FinanceMeasure {
  converted: string | null;
  convertedRecords: number;
  notConverted: FinanceAmount[];
}

export interface FinanceBucket {
  keys: { key: string | null; label: string | null }[];
  records: number;
  estimatedBySplit: number;
  commitments: FinanceMeasure;
  disbursements: FinanceMeasure;
}

export interface FinanceStats {
  currency: string | null;
  chain: string;
  total: FinanceBucket;
  buckets: FinanceBucket[];
}

export interface FinanceData {
  financeStats: FinanceStats;
}

/** A sum of a funding-flow edge's transactions in one currency. */
export interface FlowAmount {
  amount: string;
  currency: string | null;
  transactions: number;
}

export type FlowNodeKind = "PROJECT" | "ACTIVITY" | "ORGANISATION";

export interface FlowNode {
  id: string;
  kind: FlowNodeKind;
  label: string | null;
  iatiIdentifier: string | null;
  depth: number | null;
  project: { id: string; title: string; reportingOrg: { name: string | null } | null } | null;
}

export interface FlowTransaction {
  id: string;
  date: string;
  type: Code;
  value: {
    amount: string;
    currency: string;
    converted: { amount: string; rate: string; rateDate: string; source: string } | null;
  } | null;
}

export interface FlowEdge {
  source: string;
  target: string;
  transactionType: string;
  reportedBy: string;
  amounts: FlowAmount[];
  converted: string | null;
  convertedTransactions: number;
  notConverted: FlowAmount[];
  transactions: FlowTransaction[];
}

export interface FundingFlow {
  direction: string;
  depth: number;
  currency: string | null;
  truncated: boolean;
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export interface FundingFlowData {
  node: { __typename: string; id: string; fundingFlow?: FundingFlow } | null;
}

export interface FlowPartnersData {
  partners: { edges: { node: { id: string; code: string } }[] };
}
