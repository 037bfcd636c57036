-- =====================================================================================
-- BENCH ONLY: the seed design's own validate_agent_clicksend_permissions, as a baseline.
-- =====================================================================================
-- Copied from seed/clicksend-migration-design.md, "Step 3", into the scratch schema seed_scratch
-- of the throwaway benchmark database, so bench/db.ts can time it side by side with ours. It is
-- never installed anywhere else and is not part of supabase/migrations.
--
-- The only change: table names are qualified with public. (the seed relies on the caller's
-- default search_path, "$user", public, to find them). The body and its logic are the seed's
-- as written: no `set search_path`, volatile, SECURITY DEFINER, three queries, no check of the
-- caller's identity, no expiry or connection-status check on the grant's own connection.
-- Qualifying names instead of adding a SET clause keeps the function's cost exactly what it
-- would be in public (a SET clause would add a configuration switch to every call).
-- =====================================================================================

create schema if not exists seed_scratch;
grant usage on schema seed_scratch to anon, authenticated, service_role;

-- Step 3: Create permission validation function for ClickSend
-- Following the same pattern as Gmail and Outlook validation
CREATE OR REPLACE FUNCTION seed_scratch.validate_agent_clicksend_permissions(
  p_agent_id UUID,
  p_user_id UUID,
  p_required_scopes TEXT[]
) RETURNS BOOLEAN
LANGUAGE plpgsql
SECURITY DEFINER
AS $$
DECLARE
  v_connection_exists BOOLEAN := FALSE;
  v_has_permissions BOOLEAN := FALSE;
  v_provider_id UUID;
BEGIN
  -- Get ClickSend service provider ID
  SELECT id INTO v_provider_id
  FROM public.service_providers 
  WHERE name = 'clicksend_sms';
  
  IF v_provider_id IS NULL THEN
    RAISE EXCEPTION 'ClickSend service provider not found';
  END IF;
  
  -- Check if user has an active ClickSend connection
  SELECT EXISTS(
    SELECT 1 
    FROM public.user_oauth_connections uoc
    WHERE uoc.user_id = p_user_id 
      AND uoc.oauth_provider_id = v_provider_id
      AND uoc.connection_status = 'active'
  ) INTO v_connection_exists;
  
  IF NOT v_connection_exists THEN
    RETURN FALSE;
  END IF;
  
  -- Check if agent has permissions for this integration
  SELECT EXISTS(
    SELECT 1
    FROM public.agent_integration_permissions aip
    JOIN public.user_oauth_connections uoc ON uoc.id = aip.user_oauth_connection_id
    WHERE aip.agent_id = p_agent_id
      AND uoc.user_id = p_user_id
      AND uoc.oauth_provider_id = v_provider_id
      AND aip.is_active = true
      AND (
        -- If no specific scopes required, just check if permission exists
        p_required_scopes IS NULL 
        OR array_length(p_required_scopes, 1) = 0
        -- If scopes required, check if all required scopes are in allowed_scopes
        OR (
          aip.allowed_scopes IS NOT NULL 
          AND p_required_scopes <@ (
            SELECT ARRAY(
              SELECT jsonb_array_elements_text(aip.allowed_scopes)
            )
          )
        )
      )
  ) INTO v_has_permissions;
  
  RETURN v_has_permissions;
END;
$$;

-- Grant execute permissions
GRANT EXECUTE ON FUNCTION seed_scratch.validate_agent_clicksend_permissions(UUID, UUID, TEXT[]) TO anon, authenticated;
