// Target models: versions are immutable and effective-dated; households are assigned a version.
import type { RebalanceTarget, Security } from "../domain/book.ts";
import type { Decimal } from "../domain/decimal.ts";
import type { ModelTargetSpec } from "../domain/household-book.ts";
import type { IsoDate } from "../domain/iso-date.ts";

export interface ModelSummary {
  id: string;
  name: string;
  description: string;
  versions: ModelVersionSummary[];
}

export interface ModelVersionSummary {
  id: string;
  version: number;
  effectiveDate: IsoDate;
  bandAbsolute: Decimal;
  bandRelative: Decimal;
  rebalanceTo: RebalanceTarget;
  notes: string | null;
  targets: {
    assetClassId: string;
    weight: Decimal;
    bandAbsolute: Decimal | null;
    bandRelative: Decimal | null;
    primarySymbol: string;
    alternateSymbols: string[];
  }[];
  /** Households whose latest assignment is this version. */
  households: { id: string; name: string }[];
}

export interface NewModelVersion {
  effectiveDate: IsoDate;
  bandAbsolute: Decimal;
  bandRelative: Decimal;
  rebalanceTo: RebalanceTarget;
  notes: string | null;
  targets: readonly ModelTargetSpec[];
}

export interface ModelStore {
  listModels(): Promise<ModelSummary[]>;
  assetClassIds(): Promise<Set<string>>;
  securitiesBySymbol(): Promise<Map<string, Security>>;
  /** Adds version max+1 of the model; earlier versions are never changed. */
  addModelVersion(modelId: string, version: NewModelVersion): Promise<ModelVersionSummary>;
  assignModel(
    householdId: string,
    modelVersionId: string,
    effectiveDate: IsoDate,
    assignedBy: string,
  ): Promise<void>;
}
