-- The provider invalidation flow (where an application's sign-out lands, through the core's end-session
-- endpoint) ends the core session: the user logout stage bound at order 10. An admin who wants signing out
-- of one application to leave the core session alone removes the binding. Only a flow with no stages yet
-- gets it, so a flow the admin already changed is left as it is.
INSERT INTO flow_stage_bindings (flow_uuid, stage_uuid, "order")
SELECT f.uuid, s.uuid, 10
FROM flows f
JOIN stages s ON s.name = 'default-invalidation-logout'
WHERE f.slug = 'default-provider-invalidation-flow'
  AND NOT EXISTS (SELECT 1 FROM flow_stage_bindings b WHERE b.flow_uuid = f.uuid);
