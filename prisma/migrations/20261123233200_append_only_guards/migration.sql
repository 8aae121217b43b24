-- Append-only guards. Records that replay and compliance depend on are never edited or deleted:
-- a correction is a new row (a new snapshot, a new policy or model version, a new plan).
-- Written by hand: Prisma's schema language has no triggers.

CREATE FUNCTION lotwise_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'lotwise: % on % is not allowed: rows are append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'audit_event', 'account_snapshot', 'position', 'lot', 'price', 'settings_version',
    'si_policy', 'si_policy_group', 'si_policy_group_member',
    'model_version', 'model_target', 'model_alternate',
    'plan_snapshot', 'plan_trade', 'approval', 'fill'
  ] LOOP
    EXECUTE format(
      'CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION lotwise_refuse_change()',
      t || '_append_only', t);
    EXECUTE format(
      'CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION lotwise_refuse_change()',
      t || '_no_truncate', t);
  END LOOP;
END;
$$;

-- A drafted plan is immutable except for its status (and when the status changed).
CREATE FUNCTION lotwise_plan_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'lotwise: DELETE on plan is not allowed' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF (to_jsonb(NEW) - 'status' - 'status_changed_at') IS DISTINCT FROM (to_jsonb(OLD) - 'status' - 'status_changed_at') THEN
    RAISE EXCEPTION 'lotwise: a drafted plan is immutable; only its status may change'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER plan_immutable BEFORE UPDATE OR DELETE ON "plan"
  FOR EACH ROW EXECUTE FUNCTION lotwise_plan_guard();
CREATE TRIGGER plan_no_truncate BEFORE TRUNCATE ON "plan"
  FOR EACH STATEMENT EXECUTE FUNCTION lotwise_refuse_change();
